"""Plugins: one registry for every extension point.

Other distributions add modalities, contraindication rules, outcome instruments
and billing policies through four entry-point groups. An entry point resolves to
an *object* (a `medmassage.Modality`, a `medmassage.contraindications.Rule`, a
`medmassage.instruments.Instrument`, a `medmassage.billing.BillingPolicy`), and
its name is the object's key (``code``, ``id``, ``code``, ``name``)::

    [project.entry-points."medmassage.modalities"]
    "cupping.dry_cupping" = "medmassage_cupping:DRY_CUPPING"

    [project.entry-points."medmassage.contraindications"]
    "cupping.anticoagulants" = "medmassage_cupping.rules:ANTICOAGULANTS"

    [project.entry-points."medmassage.billing_policies"]
    "acme.payer" = "medmassage_acme:PAYER_POLICY"

Built-ins are registered in code, not through entry points; the ``core.``
namespace is reserved for them.

`make_registry` works in four phases: *discover* reads package metadata only
(`discover`: nothing is imported), *filter* applies the autoload switch and the
allow- and block-lists, *load* imports each selected entry point and checks the
object against its group's protocol (type, key, declared ``api_version``; a
rule's ICD-10-CM trigger patterns must match a code), *resolve* keeps one object
per key. The result is a `Registry`: an immutable value holding the four groups,
which distribution supplied each object, what was disabled and every failure.
Failures are collected, not raised one at a time; each names
``distribution[entry-point]``, the group and the cause. A key supplied by two
distributions (the built-ins count as ``medmassage``) is a failure unless the
application says which to prefer (never "last one wins"). A rule plugin that
failed makes every screening *indeterminate*.

Every public function of medmassage that takes ``registry=None`` uses the
default registry: screening, checks, instruments, billing, the report, the FHIR
export and every command. Nothing happens at import: `get_default_registry`
builds it on first use and caches it. Environment variables control the default:
``MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD=1`` loads no third-party plugins and
``MEDMASSAGE_PLUGINS=name,dist`` loads only those entry-point or distribution
names. Built-in safety rules cannot be disabled.

A registry pickles (a worker process can be sent one) and
`Registry.fingerprint` identifies its content, so results computed in different
processes can be compared. A `RegistrySpec` holds only the settings a registry
is built from: send it to worker processes, which build (once) and check the
registry themselves.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final

from . import _model
from ._discovery import discover
from ._loading import make_registry, rule_code_problems, validate_plugin
from ._model import PluginFailure, PluginInfo, Source
from ._registry import Registry
from ._spec import RegistrySpec

if TYPE_CHECKING:
    from ..instruments._scoring import Instrument

__all__ = [
    "BILLING_POLICIES_GROUP",
    "BUILTIN_DISTRIBUTION",
    "GROUPS",
    "INSTRUMENTS_GROUP",
    "MODALITIES_GROUP",
    "PLUGIN_API_VERSION",
    "RULES_GROUP",
    "SUPPORTED_PLUGIN_API",
    "PluginFailure",
    "PluginInfo",
    "Registry",
    "RegistrySpec",
    "Source",
    "discover",
    "get_default_registry",
    "make_registry",
    "report",
    "rule_code_problems",
    "validate_plugin",
]

# The constants are defined in ._model (the private modules use them) and bound here,
# with their documentation, as the public names.

#: The plugin API version this medmassage implements. Bumped only on breaking
#: changes to the plugin protocols; every plugin object declares ``api_version``.
PLUGIN_API_VERSION: Final = _model.PLUGIN_API_VERSION
#: The plugin API versions this medmassage accepts.
SUPPORTED_PLUGIN_API: Final = _model.SUPPORTED_PLUGIN_API
#: Entry-point group of modalities.
MODALITIES_GROUP: Final = _model.MODALITIES_GROUP
#: Entry-point group of contraindication rules.
RULES_GROUP: Final = _model.RULES_GROUP
#: Entry-point group of outcome instruments.
INSTRUMENTS_GROUP: Final = _model.INSTRUMENTS_GROUP
#: Entry-point group of billing policies.
BILLING_POLICIES_GROUP: Final = _model.BILLING_POLICIES_GROUP
#: Every group, in the order they are listed.
GROUPS: Final = _model.GROUPS
#: The distribution name recorded as the source of built-ins.
BUILTIN_DISTRIBUTION: Final = _model.BUILTIN_DISTRIBUTION
#: The distribution name recorded for objects an application passes in code.
APPLICATION: Final = _model.APPLICATION


@functools.cache
def get_default_registry() -> Registry:
    """Return the default registry, built on first use and cached.

    It holds the built-ins and, unless ``MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD`` is
    set, every installed plugin (``MEDMASSAGE_PLUGINS`` limits which). Failures are
    recorded, not raised: a failed rule plugin makes screening *indeterminate*.
    Call ``get_default_registry.cache_clear()`` after installing plugins.
    """
    return make_registry()


def _level_text(level: object) -> str:
    from ..evidence import EvidenceLevel

    return level.value if isinstance(level, EvidenceLevel) else "not stated"


def _evidence_level(rule: object) -> str:
    """The evidence level a rule or policy declares (optional for plugins), or "not stated"."""
    return _level_text(getattr(rule, "evidence_level", None))


def _instrument_evidence(instrument: Instrument) -> str:
    """The evidence of an instrument's default MCID and missing-item rule, in a few words."""
    mcid = instrument.mcid()
    shown = "no default MCID" if mcid is None else _level_text(mcid.evidence_level)
    rule = _level_text(instrument.missing_rule_evidence)
    return f"MCID evidence: {shown}; missing-item rule: {rule}"


def report(registry: Registry | None = None) -> str:
    """Return a readable listing of *registry*: every entry, its source, and failures."""
    reg = get_default_registry() if registry is None else registry
    lines = [f"medmassage plugin API {PLUGIN_API_VERSION}; registry {reg.fingerprint()}"]
    for title, group, keys in (
        ("modalities", MODALITIES_GROUP, reg.modalities),
        ("contraindication rules", RULES_GROUP, reg.rules),
        ("instruments", INSTRUMENTS_GROUP, reg.instruments),
        ("billing policies", BILLING_POLICIES_GROUP, reg.billing_policies),
    ):
        lines.append(f"{title} ({len(keys)}):")
        for key in sorted(keys):
            line = f"  {key:<40} {reg.sources[(group, key)]}"
            if group == RULES_GROUP:
                line += f" [evidence: {_evidence_level(reg.rules[key])}]"
            elif group == INSTRUMENTS_GROUP:
                line += f" [{_instrument_evidence(reg.instruments[key])}]"
            elif group == BILLING_POLICIES_GROUP:
                line += f" [evidence: {_evidence_level(reg.billing_policies[key])}]"
            lines.append(line)
    if reg.disabled:
        lines.append(f"disabled ({len(reg.disabled)}):")
        lines.extend(f"  {k}: {v}" for k, v in sorted(reg.disabled.items()))
    lines.append(f"failures ({len(reg.failures)}):")
    lines.extend(f"  {f.message}" for f in reg.failures)
    return "\n".join(lines)
