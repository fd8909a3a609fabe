"""Plugins: entry-point discovery, loading and the immutable `Registry`.

Other distributions add modalities, contraindication rules and outcome
instruments through three entry-point groups. An entry point resolves to an
*object* (a `medmassage.Modality`, a `medmassage.contraindications.Rule`, a
`medmassage.instruments.Instrument`), and its name is the object's key::

    [project.entry-points."medmassage.modalities"]
    "cupping.dry_cupping" = "medmassage_cupping:DRY_CUPPING"

    [project.entry-points."medmassage.contraindications"]
    "cupping.anticoagulants" = "medmassage_cupping.rules:ANTICOAGULANTS"

Built-ins are registered in code, not through entry points, and the ``core.``
namespace is reserved for them.

Loading happens in two phases. `discover` reads package metadata only (nothing is
imported). `make_registry` imports each entry point, validates the object
(type, key, declared ``api_version``), resolves keys supplied by two
distributions and returns a `Registry`: an immutable value holding the
modalities, rules and instruments, which distribution supplied each, what was
disabled and every failure. Failures are collected, not raised one at a time;
each names ``distribution[entry-point]``, the group and the cause. A key
supplied by two distributions is a failure unless the application says which
to prefer (never "last one wins"). A rule plugin that failed makes every
screening *indeterminate*.

Nothing happens at import: `get_default_registry` builds the default registry
on first use and caches it. Environment variables control the default:
``MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD=1`` loads no third-party plugins and
``MEDMASSAGE_PLUGINS=name,dist`` loads only those entry-point or distribution
names. Built-in safety rules cannot be disabled.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Literal

import attrs

from .codes import CodeSet
from .contraindications import Rule, RuleFailure, RuleSet, check_rule
from .exceptions import (
    PluginConflictError,
    PluginError,
    PluginIncompatibleError,
    PluginLoadError,
    PluginValidationError,
    UnknownCodeError,
    UsageError,
)
from .modalities import _KEY as _KEY_RE
from .modalities import BUILTIN_MODALITIES, Modality

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from .instruments import Instrument

__all__ = [
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
    "Source",
    "discover",
    "get_default_registry",
    "make_registry",
    "report",
    "rule_code_problems",
    "validate_plugin",
]

#: The plugin API version this medmassage implements. Bumped only on breaking
#: changes to the plugin protocols; every plugin object declares ``api_version``.
PLUGIN_API_VERSION: Final = 1
#: The plugin API versions this medmassage accepts.
SUPPORTED_PLUGIN_API: Final = frozenset({1})

#: Entry-point group of modalities.
MODALITIES_GROUP: Final = "medmassage.modalities"
#: Entry-point group of contraindication rules.
RULES_GROUP: Final = "medmassage.contraindications"
#: Entry-point group of outcome instruments.
INSTRUMENTS_GROUP: Final = "medmassage.instruments"
#: Every group, in the order they are listed.
GROUPS: Final = (MODALITIES_GROUP, RULES_GROUP, INSTRUMENTS_GROUP)
#: The distribution name recorded as the source of built-ins.
BUILTIN_DISTRIBUTION: Final = "medmassage"
#: The distribution name recorded for objects an application passes in code.
APPLICATION: Final = "<application>"

_RESERVED: Final = "core."
_ENV_DISABLE: Final = "MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD"
_ENV_ALLOW: Final = "MEDMASSAGE_PLUGINS"

FailureKind = Literal["import", "type", "name", "api", "codes", "conflict"]


@attrs.frozen(kw_only=True, slots=True)
class PluginInfo:
    """A discovered plugin, from metadata only (nothing imported).

    Attributes:
        group: The entry-point group.
        name: The entry-point name (the key).
        value: The object reference, ``module:attribute``.
        distribution: The distribution that declares it (``None`` if unknown).
        version: That distribution's version.
        entry_point: The entry point itself, used to load it.
    """

    group: str
    name: str
    value: str
    distribution: str | None = None
    version: str | None = None
    entry_point: EntryPoint | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def display_name(self) -> str:
        """``distribution[entry-point]``, the name used in every message."""
        return f"{self.distribution or '<unknown distribution>'}[{self.name}]"


@attrs.frozen(kw_only=True, slots=True)
class Source:
    """Where a registered object came from.

    Attributes:
        distribution: The distribution name (``"medmassage"`` for built-ins,
            ``"<application>"`` for objects passed in code).
        version: Its version, if known.
        entry_point: The entry-point value (``module:attribute``), if any.
    """

    distribution: str
    version: str | None = None
    entry_point: str | None = None

    def __str__(self) -> str:
        return self.distribution + (f" {self.version}" if self.version else "")


@attrs.frozen(kw_only=True, slots=True)
class PluginFailure:
    """A plugin that could not be used.

    Attributes:
        group: The entry-point group.
        name: The entry-point name (the key it would have had).
        distribution: The distribution that declared it.
        kind: ``"import"`` (loading raised), ``"type"`` (not the group's kind of
            object), ``"name"`` (bad or reserved key, or the key differs from the
            entry-point name), ``"api"`` (missing or unsupported ``api_version``),
            ``"codes"`` (a rule's ICD-10-CM trigger pattern matches no code of the
            current release, so the rule could never fire), ``"conflict"`` (two
            distributions supply the key).
        cause: What went wrong.
        error: The exception, with the original as ``__cause__`` where there is one.
    """

    group: str
    name: str
    distribution: str | None
    kind: FailureKind
    cause: str
    error: PluginError = attrs.field(eq=False, repr=False)

    @property
    def display_name(self) -> str:
        """``distribution[entry-point]``."""
        return f"{self.distribution or '<unknown distribution>'}[{self.name}]"

    @property
    def message(self) -> str:
        """The full message: plugin, group and cause."""
        return str(self.error)

    def __str__(self) -> str:
        return self.message


def _modalities(value: Mapping[str, Modality]) -> Mapping[str, Modality]:
    return MappingProxyType(dict(value))


def _rules(value: Mapping[str, Rule]) -> Mapping[str, Rule]:
    return MappingProxyType(dict(value))


def _instruments(value: Mapping[str, Instrument]) -> Mapping[str, Instrument]:
    return MappingProxyType(dict(value))


def _sources(value: Mapping[tuple[str, str], Source]) -> Mapping[tuple[str, str], Source]:
    return MappingProxyType(dict(value))


def _disabled(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True, slots=True)
class Registry:
    """An immutable set of modalities, rules and instruments, with their provenance.

    Build one with `make_registry` (or `medmassage.testing.plugins.registry_from`);
    the library's functions take ``registry=None`` and then use
    `get_default_registry`.

    Attributes:
        modalities: Modalities by code, built-ins included.
        rules: Contraindication rules by id, built-ins included.
        instruments: Outcome instruments by code, built-ins included.
        sources: ``(group, key)`` to the `Source` that supplied it.
        failures: Every plugin that could not be used.
        disabled: ``distribution[entry-point]`` to why it was not loaded (autoload
            off, not allowed, blocked, not preferred).
    """

    modalities: Mapping[str, Modality] = attrs.field(converter=_modalities)
    rules: Mapping[str, Rule] = attrs.field(converter=_rules)
    instruments: Mapping[str, Instrument] = attrs.field(converter=_instruments)
    sources: Mapping[tuple[str, str], Source] = attrs.field(converter=_sources)
    failures: tuple[PluginFailure, ...] = ()
    disabled: Mapping[str, str] = attrs.field(factory=dict, converter=_disabled)
    _cache: dict[str, RuleSet] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )

    def __repr__(self) -> str:
        return (
            f"Registry({len(self.modalities)} modalities, {len(self.rules)} rules, "
            f"{len(self.instruments)} instruments, {len(self.failures)} failures)"
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
        if found is None:
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
                out.append(
                    {
                        "key": key,
                        "distribution": src.distribution,
                        "version": src.version,
                        "entry_point": src.entry_point,
                    }
                )
            return out

        return {
            "plugin_api_version": PLUGIN_API_VERSION,
            "modalities": entries(MODALITIES_GROUP, self.modalities),
            "rules": entries(RULES_GROUP, self.rules),
            "instruments": entries(INSTRUMENTS_GROUP, self.instruments),
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


# -- discovery ---------------------------------------------------------------------------


def _dist_fields(ep: EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    name = getattr(dist, "name", None)
    version = getattr(dist, "version", None)
    return (
        name if isinstance(name, str) else None,
        version if isinstance(version, str) else None,
    )


def discover(
    groups: Iterable[str] = GROUPS, *, entry_points: Iterable[EntryPoint] | None = None
) -> tuple[PluginInfo, ...]:
    """Find the plugins of *groups* from package metadata, importing nothing.

    Args:
        groups: The entry-point groups to read.
        entry_points: Use these entry points instead of the installed ones (tests;
            an application that assembles its own). Entry points of other groups
            are ignored.

    Returns:
        One `PluginInfo` per distinct (group, name, value, distribution), sorted
        by group, name and distribution.
    """
    wanted = tuple(groups)
    if entry_points is None:
        from importlib.metadata import entry_points as installed

        found: Iterable[EntryPoint] = [ep for g in wanted for ep in installed(group=g)]
    else:
        found = entry_points
    seen: dict[tuple[str, str, str, str | None], PluginInfo] = {}
    for ep in found:
        if ep.group not in wanted:
            continue
        dist, version = _dist_fields(ep)
        key = (ep.group, ep.name, ep.value, dist)
        if key not in seen:
            seen[key] = PluginInfo(
                group=ep.group,
                name=ep.name,
                value=ep.value,
                distribution=dist,
                version=version,
                entry_point=ep,
            )
    return tuple(
        sorted(seen.values(), key=lambda i: (i.group, i.name, i.distribution or "", i.value))
    )


# -- validation ------------------------------------------------------------------------


def _key_of(group: str, obj: object) -> object:
    try:
        return getattr(obj, "id" if group == RULES_GROUP else "code", None)
    except KeyboardInterrupt:
        raise
    except BaseException:  # a property that raised: no usable key
        return None


def validate_plugin(group: str, obj: object) -> list[tuple[FailureKind, str]]:
    """Check *obj* against the protocol of *group*; return ``(kind, problem)`` pairs.

    Checks the kind of object, its declared ``api_version`` and its key (a
    lower-case dotted key). Does not check the key against an entry-point name or
    the reserved ``core.`` namespace (see `make_registry`).

    Raises:
        UsageError: If *group* is not one of `GROUPS`.
    """
    if group not in GROUPS:
        raise UsageError(f"unknown plugin group {group!r}; expected one of {', '.join(GROUPS)}")
    problems: list[tuple[FailureKind, str]] = []
    if group == MODALITIES_GROUP:
        if not isinstance(obj, Modality):
            return [("type", f"expected a medmassage.Modality, got {type(obj).__name__}")]
    elif group == INSTRUMENTS_GROUP:
        from .instruments import Instrument

        if not isinstance(obj, Instrument):
            return [("type", f"expected a medmassage.Instrument, got {type(obj).__name__}")]
    else:
        rule_problems = [p for p in check_rule(obj) if "api_version" not in p]
        if rule_problems:
            return [
                (
                    "type",
                    f"expected a contraindication Rule; {type(obj).__name__}: "
                    + "; ".join(rule_problems),
                )
            ]
    api = getattr(obj, "api_version", None)
    if api is None:
        problems.append(("api", "declares no api_version; a plugin must say which API it targets"))
    elif isinstance(api, bool) or not isinstance(api, int):
        problems.append(("api", f"api_version must be an int, not {type(api).__name__}"))
    elif api not in SUPPORTED_PLUGIN_API:
        supported = ", ".join(str(v) for v in sorted(SUPPORTED_PLUGIN_API))
        problems.append(
            ("api", f"targets plugin API {api}; this medmassage supports {{{supported}}}")
        )
    key = _key_of(group, obj)
    if not isinstance(key, str) or _KEY_RE.match(key) is None:
        problems.append(("name", f"key {key!r} is not a lower-case dotted key"))
    if group == RULES_GROUP and not problems:
        problems.extend(("codes", p) for p in rule_code_problems(obj))
    return problems


def rule_code_problems(rule: object) -> list[str]:
    """What is wrong with a rule's ICD-10-CM trigger patterns (empty if nothing).

    A pattern that matches no code of the current ICD-10-CM release (a typo, an
    upper-case placeholder ``X`` where a wildcard ``x`` was meant, a deleted
    code) would make the rule silently blind: fail closed by refusing the rule.
    """
    triggers = getattr(rule, "triggers", None)
    codes = getattr(triggers, "icd10cm", None)
    if not isinstance(codes, CodeSet):
        return []
    return [
        f"ICD-10-CM trigger pattern {pattern!r} matches no code of the current release"
        for pattern in codes.unmatched()
    ]


_ERRORS: Final[dict[str, type[PluginError]]] = {
    "import": PluginLoadError,
    "type": PluginValidationError,
    "name": PluginValidationError,
    "api": PluginIncompatibleError,
    "codes": PluginValidationError,
    "conflict": PluginConflictError,
}


def _failure(
    info: PluginInfo, kind: FailureKind, cause: str, original: BaseException | None = None
) -> PluginFailure:
    version = f" {info.version}" if info.version else ""
    where = f"{info.distribution or '<unknown distribution>'}{version} [{info.name}]"
    message = f'medmassage could not use plugin "{where}" (group {info.group}): {cause}'
    error = _ERRORS[kind](message)
    if original is not None:
        error.__cause__ = original
    return PluginFailure(
        group=info.group,
        name=info.name,
        distribution=info.distribution,
        kind=kind,
        cause=cause,
        error=error,
    )


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _builtin_version() -> str | None:
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return None
    try:
        return version(BUILTIN_DISTRIBUTION)
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
        return None


@attrs.frozen(slots=True)
class _Candidate:
    info: PluginInfo
    obj: object


def make_registry(
    *,
    modalities: Iterable[Modality] = (),
    rules: Iterable[Rule] = (),
    instruments: Iterable[Instrument] = (),
    autoload: bool | None = None,
    allow: Iterable[str] | None = None,
    block: Iterable[str] = (),
    prefer: Mapping[str, str] | None = None,
    entry_points: Iterable[EntryPoint] | None = None,
    distribution: str = APPLICATION,
    strict: bool = False,
) -> Registry:
    """Build a registry: the built-ins, installed plugins and objects given in code.

    Args:
        modalities: Extra modalities supplied by the application.
        rules: Extra contraindication rules supplied by the application.
        instruments: Extra instruments supplied by the application.
        autoload: Whether to load installed plugins. ``None`` (the default) loads
            them unless ``MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD`` is set; ignored
            (treated as true) when *entry_points* is given.
        allow: Load only plugins whose entry-point name or distribution name is
            listed. ``None`` (the default) reads ``MEDMASSAGE_PLUGINS`` (a
            comma-separated list) if set, else allows all.
        block: Entry-point or distribution names not to load. Built-in rules and
            the ``medmassage`` distribution cannot be blocked.
        prefer: Key to the distribution whose object wins when several supply
            that key. Without it a shared key is a failure and none is loaded.
        entry_points: Use these entry points instead of the installed ones.
        distribution: The name recorded as the source of the objects given in code.
        strict: Raise instead of recording failures.

    Raises:
        UsageError: If *block* names a built-in rule or medmassage itself.
        ExceptionGroup: In strict mode, of every failure's `PluginError`.
    """
    from .contraindications._core import BUILTIN_RULES
    from .instruments import builtin_instruments

    blocked = frozenset(block)
    core_blocked = sorted(
        b for b in blocked if b.startswith(_RESERVED) or b == BUILTIN_DISTRIBUTION
    )
    if core_blocked:
        raise UsageError("built-in safety rules cannot be disabled: " + ", ".join(core_blocked))
    if allow is None:
        env_allow = os.environ.get(_ENV_ALLOW, "").strip()
        allowed = (
            frozenset(x.strip() for x in env_allow.split(",") if x.strip()) if env_allow else None
        )
    else:
        allowed = frozenset(allow)
    if entry_points is not None:
        load_installed = True
    elif autoload is None:
        load_installed = not _env_flag(_ENV_DISABLE)
    else:
        load_installed = autoload
    preferred = dict(prefer or {})

    version = _builtin_version()
    found: dict[str, dict[str, object]] = {g: {} for g in GROUPS}
    sources: dict[tuple[str, str], Source] = {}
    for m in BUILTIN_MODALITIES.values():
        found[MODALITIES_GROUP][m.code] = m
        sources[(MODALITIES_GROUP, m.code)] = Source(
            distribution=BUILTIN_DISTRIBUTION, version=version
        )
    for r in BUILTIN_RULES:
        found[RULES_GROUP][r.id] = r
        sources[(RULES_GROUP, r.id)] = Source(distribution=BUILTIN_DISTRIBUTION, version=version)
    for code, inst in builtin_instruments().items():
        found[INSTRUMENTS_GROUP][code] = inst
        sources[(INSTRUMENTS_GROUP, code)] = Source(
            distribution=BUILTIN_DISTRIBUTION, version=version
        )

    failures: list[PluginFailure] = []
    disabled: dict[str, str] = {}
    candidates: dict[tuple[str, str], list[_Candidate]] = {}

    def consider(info: PluginInfo, obj: object) -> None:
        try:
            problems = validate_plugin(info.group, obj)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a property of the object raised while it was checked
            failures.append(
                _failure(info, "type", f"checking the object raised {type(exc).__name__}", exc)
            )
            return
        if problems:
            kind = problems[0][0]
            failures.append(_failure(info, kind, "; ".join(p for _, p in problems)))
            return
        key = _key_of(info.group, obj)
        assert isinstance(key, str)
        if key != info.name:
            failures.append(
                _failure(
                    info, "name", f"the object's key {key!r} differs from the entry-point name"
                )
            )
            return
        candidates.setdefault((info.group, key), []).append(_Candidate(info, obj))

    def reserved(info: PluginInfo) -> bool:
        if info.name.startswith(_RESERVED):
            failures.append(
                _failure(
                    info, "name", "the 'core.' namespace is reserved for medmassage's built-ins"
                )
            )
            return True
        return False

    # objects given in code
    given: list[tuple[str, object]] = [
        *((MODALITIES_GROUP, m) for m in modalities),
        *((RULES_GROUP, r) for r in rules),
        *((INSTRUMENTS_GROUP, i) for i in instruments),
    ]
    for group, obj in given:
        key = _key_of(group, obj)
        info = PluginInfo(
            group=group,
            name=key if isinstance(key, str) else repr(key),
            value=f"<{type(obj).__name__} object>",
            distribution=distribution,
        )
        if not reserved(info):
            consider(info, obj)

    # installed (or injected) plugins
    if load_installed:
        for info in discover(entry_points=entry_points):
            if info.name in blocked or info.distribution in blocked:
                disabled[info.display_name] = "blocked"
                continue
            if allowed is not None and not (info.name in allowed or info.distribution in allowed):
                disabled[info.display_name] = "not in the allow-list"
                continue
            if _KEY_RE.match(info.name) is None:
                failures.append(
                    _failure(info, "name", "the entry-point name is not a lower-case dotted key")
                )
                continue
            if reserved(info):
                continue
            assert info.entry_point is not None
            try:
                obj = info.entry_point.load()
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit and GeneratorExit at import are failures too
                failures.append(_failure(info, "import", f"{type(exc).__name__}: {exc}", exc))
                continue
            consider(info, obj)
    elif entry_points is None:
        disabled["<installed plugins>"] = "autoload is off"

    # resolve keys supplied more than once
    for (group, key), options in sorted(candidates.items()):
        chosen = options[0]
        if len(options) > 1:
            want = preferred.get(key)
            winners = [o for o in options if o.info.distribution == want]
            if len(winners) != 1:
                names = ", ".join(o.info.display_name for o in options)
                hint = (
                    f"; the preferred distribution {want!r} is not one of them"
                    if want is not None
                    else "; name the one to use with prefer={key: distribution}"
                )
                for o in options:
                    failures.append(
                        _failure(o.info, "conflict", f"key {key!r} is supplied by {names}{hint}")
                    )
                continue
            chosen = winners[0]
            for o in options:
                if o is not chosen:
                    disabled[o.info.display_name] = f"{key!r} taken from the preferred {want}"
        found[group][key] = chosen.obj
        info = chosen.info
        sources[(group, key)] = Source(
            distribution=info.distribution or "<unknown distribution>",
            version=info.version,
            entry_point=info.value if info.entry_point is not None else None,
        )

    registry = Registry(
        modalities=found[MODALITIES_GROUP],  # type: ignore[arg-type]
        rules=found[RULES_GROUP],  # type: ignore[arg-type]
        instruments=found[INSTRUMENTS_GROUP],  # type: ignore[arg-type]
        sources=sources,
        failures=tuple(failures),
        disabled=disabled,
    )
    if strict:
        registry.check()
    return registry


@functools.cache
def get_default_registry() -> Registry:
    """Return the default registry, built on first use and cached.

    It holds the built-ins and, unless ``MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD`` is
    set, every installed plugin (``MEDMASSAGE_PLUGINS`` limits which). Failures are
    recorded, not raised: a failed rule plugin makes screening *indeterminate*.
    Call ``get_default_registry.cache_clear()`` after installing plugins.
    """
    return make_registry()


def report(registry: Registry | None = None) -> str:
    """Return a readable listing of *registry*: every entry, its source, and failures."""
    reg = get_default_registry() if registry is None else registry
    lines = [f"medmassage plugin API {PLUGIN_API_VERSION}"]
    for title, group, keys in (
        ("modalities", MODALITIES_GROUP, reg.modalities),
        ("contraindication rules", RULES_GROUP, reg.rules),
        ("instruments", INSTRUMENTS_GROUP, reg.instruments),
    ):
        lines.append(f"{title} ({len(keys)}):")
        for key in sorted(keys):
            lines.append(f"  {key:<40} {reg.sources[(group, key)]}")
    if reg.disabled:
        lines.append(f"disabled ({len(reg.disabled)}):")
        lines.extend(f"  {k}: {v}" for k, v in sorted(reg.disabled.items()))
    lines.append(f"failures ({len(reg.failures)}):")
    lines.extend(f"  {f.message}" for f in reg.failures)
    return "\n".join(lines)
