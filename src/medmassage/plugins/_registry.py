"""`Registry`: the immutable value holding every registered object and its provenance."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from .._frozen import FrozenMap
from ..contraindications import Rule, RuleFailure, RuleSet
from ..evidence import EvidenceLevel
from ..exceptions import (
    UnknownCodeError,
)
from ..modalities import Modality
from ._model import (
    BILLING_POLICIES_GROUP,
    INSTRUMENTS_GROUP,
    MODALITIES_GROUP,
    PLUGIN_API_VERSION,
    RULES_GROUP,
    PluginFailure,
    Source,
)

if TYPE_CHECKING:
    from ..billing._policies import BillingPolicy
    from ..instruments._scoring import Instrument


def _modalities(value: Mapping[str, Modality]) -> Mapping[str, Modality]:
    return FrozenMap(value)


def _rules(value: Mapping[str, Rule]) -> Mapping[str, Rule]:
    return FrozenMap(value)


def _instruments(value: Mapping[str, Instrument]) -> Mapping[str, Instrument]:
    return FrozenMap(value)


def _billing_policies(value: Mapping[str, BillingPolicy]) -> Mapping[str, BillingPolicy]:
    return FrozenMap(value)


def _sources(value: Mapping[tuple[str, str], Source]) -> Mapping[tuple[str, str], Source]:
    return FrozenMap(value)


def _disabled(value: Mapping[str, str]) -> Mapping[str, str]:
    return FrozenMap(value)


@attrs.frozen(kw_only=True, slots=True)
class Registry:
    """An immutable set of modalities, rules, instruments and billing policies, with provenance.

    Build one with `make_registry` (or `medmassage.testing.plugins.registry_from`);
    every public function that takes ``registry=None`` then uses
    `get_default_registry`. A registry pickles with the standard library (its
    objects must pickle too; the built-ins do), so a worker process can receive
    one, and `fingerprint` identifies its content, so results computed in
    different processes can be compared.

    Attributes:
        modalities: Modalities by code, built-ins included.
        rules: Contraindication rules by id, built-ins included.
        instruments: Outcome instruments by code, built-ins included.
        billing_policies: Billing policies by name, built-ins (``cms``,
            ``per_code``) included.
        sources: ``(group, key)`` to the `Source` that supplied it.
        failures: Every plugin that could not be used.
        disabled: ``distribution[entry-point]`` to why it was not loaded (autoload
            off, not allowed, blocked, not preferred).
    """

    modalities: Mapping[str, Modality] = attrs.field(converter=_modalities)
    rules: Mapping[str, Rule] = attrs.field(converter=_rules)
    instruments: Mapping[str, Instrument] = attrs.field(converter=_instruments)
    billing_policies: Mapping[str, BillingPolicy] = attrs.field(
        factory=dict, converter=_billing_policies
    )
    sources: Mapping[tuple[str, str], Source] = attrs.field(converter=_sources)
    failures: tuple[PluginFailure, ...] = ()
    disabled: Mapping[str, str] = attrs.field(factory=dict, converter=_disabled)
    _cache: dict[str, object] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )

    def __getstate__(self) -> dict[str, object]:
        # The cache (the indexed RuleSet, the fingerprint) is rebuilt where it is needed.
        return {a.name: getattr(self, a.name) for a in attrs.fields(Registry) if a.init}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_cache", {})

    def __repr__(self) -> str:
        return (
            f"Registry({len(self.modalities)} modalities, {len(self.rules)} rules, "
            f"{len(self.instruments)} instruments, {len(self.billing_policies)} billing "
            f"policies, {len(self.failures)} failures)"
        )

    def modality(self, code: str) -> Modality:
        """Return the modality *code*.

        Raises:
            UnknownCodeError: If the registry has no such modality.
        """
        found = self.modalities.get(code)
        if found is None:
            raise UnknownCodeError("modality", code, "known: " + ", ".join(sorted(self.modalities)))
        return found

    def rule(self, rule_id: str) -> Rule:
        """Return the rule *rule_id*.

        Raises:
            UnknownCodeError: If the registry has no such rule.
        """
        found = self.rules.get(rule_id)
        if found is None:
            raise UnknownCodeError("contraindication rule", rule_id)
        return found

    def instrument(self, code: str) -> Instrument:
        """Return the instrument *code* (`medmassage.instruments.InstrumentSource`).

        Raises:
            UnknownCodeError: If the registry has no such instrument.
        """
        found = self.instruments.get(code)
        if found is None:
            raise UnknownCodeError("instrument", code)
        return found

    def billing_policy(self, name: str) -> BillingPolicy:
        """Return the billing policy *name*.

        Raises:
            UnknownCodeError: If the registry has no such policy (the hint lists
                those it has, and names a policy plugin that failed to load).
            PluginError: If a billing-policy plugin of that name failed to load.

        .. versionadded:: 0.2.0
        """
        found = self.billing_policies.get(name)
        if found is not None:
            return found
        for failure in self.failures:
            if failure.group == BILLING_POLICIES_GROUP and failure.name == name:
                raise failure.error
        shown = name if len(name) <= 60 and name.isprintable() else "<name>"
        raise UnknownCodeError(
            "billing policy",
            shown,
            "available policies: " + ", ".join(sorted(self.billing_policies)),
        )

    def fingerprint(self) -> str:
        """A digest of what this registry holds: compare it across processes.

        It covers every key of every group with the distribution, version and
        entry point that supplied it (objects given in code: their type), every
        failure and every disabled plugin, and the plugin API version. Two
        registries built from the same installed distributions and settings
        have the same fingerprint in any process; a different plugin set, a
        different version of a plugin or a failed load changes it.

        >>> from medmassage.plugins import make_registry
        >>> a, b = make_registry(autoload=False), make_registry(autoload=False)
        >>> a.fingerprint() == b.fingerprint(), a.fingerprint()[:7]
        (True, 'sha256:')

        .. versionadded:: 0.2.0
        """
        cached = self._cache.get("fingerprint")
        if isinstance(cached, str):
            return cached
        groups = (
            (MODALITIES_GROUP, self.modalities),
            (RULES_GROUP, self.rules),
            (INSTRUMENTS_GROUP, self.instruments),
            (BILLING_POLICIES_GROUP, self.billing_policies),
        )
        entries = []
        for group, objects in groups:
            for key in sorted(objects):
                src = self.sources.get((group, key))
                obj = objects[key]
                entries.append(
                    [
                        group,
                        key,
                        None if src is None else src.distribution,
                        None if src is None else src.version,
                        None if src is None else src.entry_point,
                        f"{type(obj).__module__}.{type(obj).__qualname__}",
                    ]
                )
        payload = {
            "plugin_api": PLUGIN_API_VERSION,
            "entries": entries,
            "failures": sorted(
                [f.group, f.name, f.distribution or "", f.kind] for f in self.failures
            ),
            "disabled": sorted(self.disabled),
        }
        digest = hashlib.sha256(
            json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
        ).hexdigest()
        value = f"sha256:{digest}"
        self._cache["fingerprint"] = value
        return value

    def source(self, group: str, key: str) -> Source:
        """Return where *key* in *group* came from.

        Raises:
            UnknownCodeError: If nothing with that key is registered in the group.
        """
        found = self.sources.get((group, key))
        if found is None:
            raise UnknownCodeError(group, key)
        return found

    def rule_failures(self) -> tuple[RuleFailure, ...]:
        """The rule plugins that failed, as screening failures (fail closed)."""
        return tuple(
            RuleFailure(rule_id=f.name, cause=f"{f.display_name}: {f.cause}", stage="load")
            for f in self.failures
            if f.group == RULES_GROUP
        )

    def rule_set(self) -> RuleSet:
        """The screening engine over this registry's rules (built once, cached)."""
        found = self._cache.get("rules")
        if not isinstance(found, RuleSet):
            found = RuleSet(self.rules.values(), failures=self.rule_failures())
            self._cache["rules"] = found
        return found

    def check(self) -> None:
        """Raise if any plugin failed.

        Raises:
            ExceptionGroup: Of every failure's `PluginError`.
        """
        if self.failures:
            raise ExceptionGroup(
                f"{len(self.failures)} medmassage plugin(s) could not be used",
                [f.error for f in self.failures],
            )

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready description (keys, sources, disabled, failures)."""

        def entries(group: str, keys: Iterable[str]) -> list[dict[str, object]]:
            out: list[dict[str, object]] = []
            for key in sorted(keys):
                src = self.sources[(group, key)]
                entry: dict[str, object] = {
                    "key": key,
                    "distribution": src.distribution,
                    "version": src.version,
                    "entry_point": src.entry_point,
                }
                if group == RULES_GROUP:
                    level = getattr(self.rules[key], "evidence_level", None)
                    entry["evidence_level"] = (
                        level.value if isinstance(level, EvidenceLevel) else None
                    )
                elif group == INSTRUMENTS_GROUP:
                    inst = self.instruments[key]
                    entry["mcids"] = [
                        {
                            "population": m.population,
                            "kind": m.kind,
                            "evidence_level": m.evidence_level.value if m.evidence_level else None,
                        }
                        for m in inst.mcids
                    ]
                    rule_level = inst.missing_rule_evidence
                    entry["missing_rule_evidence_level"] = rule_level.value if rule_level else None
                elif group == BILLING_POLICIES_GROUP:
                    level = getattr(self.billing_policies[key], "evidence_level", None)
                    entry["evidence_level"] = (
                        level.value if isinstance(level, EvidenceLevel) else None
                    )
                out.append(entry)
            return out

        return {
            "plugin_api_version": PLUGIN_API_VERSION,
            "modalities": entries(MODALITIES_GROUP, self.modalities),
            "rules": entries(RULES_GROUP, self.rules),
            "instruments": entries(INSTRUMENTS_GROUP, self.instruments),
            "billing_policies": entries(BILLING_POLICIES_GROUP, self.billing_policies),
            "fingerprint": self.fingerprint(),
            "disabled": [{"plugin": k, "reason": v} for k, v in sorted(self.disabled.items())],
            "failures": [
                {
                    "plugin": f.display_name,
                    "group": f.group,
                    "kind": f.kind,
                    "cause": f.cause,
                }
                for f in self.failures
            ],
        }
