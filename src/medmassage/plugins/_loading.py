"""Loading: filter what was discovered, import it, validate it, resolve shared keys."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Final

import attrs

from ..codes import CodeSet
from ..contraindications import Rule, check_rule
from ..exceptions import (
    PluginConflictError,
    PluginError,
    PluginIncompatibleError,
    PluginLoadError,
    PluginValidationError,
    UsageError,
)
from ..modalities import _KEY as _KEY_RE
from ..modalities import BUILTIN_MODALITIES, Modality
from ._discovery import discover
from ._model import (
    _ENV_ALLOW,
    _ENV_DISABLE,
    _RESERVED,
    APPLICATION,
    BILLING_POLICIES_GROUP,
    BUILTIN_DISTRIBUTION,
    GROUPS,
    INSTRUMENTS_GROUP,
    KEY_ATTRIBUTE,
    MODALITIES_GROUP,
    RULES_GROUP,
    SUPPORTED_PLUGIN_API,
    FailureKind,
    PluginFailure,
    PluginInfo,
    Source,
)
from ._registry import Registry

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from ..billing._policies import BillingPolicy
    from ..instruments._scoring import Instrument

# -- validation ------------------------------------------------------------------------


def _key_of(group: str, obj: object) -> object:
    try:
        return getattr(obj, KEY_ATTRIBUTE[group], None)
    except KeyboardInterrupt:
        raise
    except BaseException:  # a property that raised: no usable key
        return None


def validate_plugin(group: str, obj: object) -> list[tuple[FailureKind, str]]:
    """Check *obj* against the protocol of *group*; return ``(kind, problem)`` pairs.

    Checks the kind of object, its declared ``api_version`` and its key (a
    lower-case dotted key), and for a rule that its ICD-10-CM trigger patterns
    can match a code. Does not check the key against an entry-point name or
    the reserved ``core.`` namespace (see `make_registry`).

    Raises:
        UsageError: If *group* is not one of `medmassage.plugins.GROUPS`.
    """
    if group not in GROUPS:
        raise UsageError(f"unknown plugin group {group!r}; expected one of {', '.join(GROUPS)}")
    problems: list[tuple[FailureKind, str]] = []
    supported = SUPPORTED_PLUGIN_API
    if group == MODALITIES_GROUP:
        if not isinstance(obj, Modality):
            return [("type", f"expected a medmassage.Modality, got {type(obj).__name__}")]
    elif group == INSTRUMENTS_GROUP:
        from ..instruments._scoring import Instrument

        if not isinstance(obj, Instrument):
            return [("type", f"expected a medmassage.Instrument, got {type(obj).__name__}")]
    elif group == BILLING_POLICIES_GROUP:
        from ..billing._policies import BILLING_POLICY_API_VERSION, BillingPolicy

        if not isinstance(obj, BillingPolicy) or not callable(getattr(obj, "units", None)):
            return [
                (
                    "type",
                    "expected a billing policy (name, api_version and "
                    f"units(minutes_by_code)), got {type(obj).__name__}",
                )
            ]
        supported = frozenset({BILLING_POLICY_API_VERSION})
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
    elif api not in supported:
        versions = ", ".join(str(v) for v in sorted(supported))
        problems.append(
            ("api", f"targets plugin API {api}; this medmassage supports {{{versions}}}")
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


@attrs.frozen(kw_only=True, slots=True)
class _Settings:
    load_installed: bool
    allowed: frozenset[str] | None
    blocked: frozenset[str]


def _settings(
    autoload: bool | None,
    allow: Iterable[str] | None,
    block: Iterable[str],
    entry_points: Iterable[EntryPoint] | None,
) -> _Settings:
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
    return _Settings(load_installed=load_installed, allowed=allowed, blocked=blocked)


def _builtins() -> list[_Candidate]:
    """The objects medmassage supplies itself, as candidates from ``medmassage``."""
    from ..billing._policies import CMS_8_MINUTE_RULE, PER_CODE_MIDPOINT
    from ..contraindications._core import BUILTIN_RULES
    from ..instruments._catalogue import BUILTIN_INSTRUMENTS

    version = _builtin_version()
    given: list[tuple[str, object]] = [
        *((MODALITIES_GROUP, m) for m in BUILTIN_MODALITIES.values()),
        *((RULES_GROUP, r) for r in BUILTIN_RULES),
        *((INSTRUMENTS_GROUP, i) for i in BUILTIN_INSTRUMENTS),
        *((BILLING_POLICIES_GROUP, p) for p in (CMS_8_MINUTE_RULE, PER_CODE_MIDPOINT)),
    ]
    out: list[_Candidate] = []
    for group, obj in given:
        key = _key_of(group, obj)
        assert isinstance(key, str)
        out.append(
            _Candidate(
                PluginInfo(
                    group=group,
                    name=key,
                    value="<built-in>",
                    distribution=BUILTIN_DISTRIBUTION,
                    version=version,
                ),
                obj,
            )
        )
    return out


def _select(
    infos: Iterable[PluginInfo], settings: _Settings
) -> tuple[list[PluginInfo], dict[str, str], list[PluginFailure]]:
    """Phase 2, filter: what the application allows, blocks, and what is well named."""
    selected: list[PluginInfo] = []
    disabled: dict[str, str] = {}
    failures: list[PluginFailure] = []
    for info in infos:
        if info.name in settings.blocked or info.distribution in settings.blocked:
            disabled[info.display_name] = "blocked"
        elif settings.allowed is not None and not (
            info.name in settings.allowed or info.distribution in settings.allowed
        ):
            disabled[info.display_name] = "not in the allow-list"
        elif _KEY_RE.match(info.name) is None:
            failures.append(
                _failure(info, "name", "the entry-point name is not a lower-case dotted key")
            )
        elif (failure := _reserved(info)) is not None:
            failures.append(failure)
        else:
            selected.append(info)
    return selected, disabled, failures


def _reserved(info: PluginInfo) -> PluginFailure | None:
    if info.name.startswith(_RESERVED):
        return _failure(
            info, "name", "the 'core.' namespace is reserved for medmassage's built-ins"
        )
    return None


def _load(infos: Iterable[PluginInfo]) -> tuple[list[_Candidate], list[PluginFailure]]:
    """Phase 3, load: import each entry point and check the object against its group."""
    loaded: list[_Candidate] = []
    failures: list[PluginFailure] = []
    for info in infos:
        assert info.entry_point is not None
        try:
            obj = info.entry_point.load()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit and GeneratorExit at import are failures too
            failures.append(_failure(info, "import", f"{type(exc).__name__}: {exc}", exc))
            continue
        candidate, failure = _check(info, obj)
        if failure is not None:
            failures.append(failure)
        elif candidate is not None:
            loaded.append(candidate)
    return loaded, failures


def _check(info: PluginInfo, obj: object) -> tuple[_Candidate | None, PluginFailure | None]:
    try:
        problems = validate_plugin(info.group, obj)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a property of the object raised while it was checked
        return None, _failure(info, "type", f"checking the object raised {type(exc).__name__}", exc)
    if problems:
        return None, _failure(info, problems[0][0], "; ".join(p for _, p in problems))
    key = _key_of(info.group, obj)
    if key != info.name:
        return None, _failure(
            info, "name", f"the object's key {key!r} differs from the entry-point name"
        )
    return _Candidate(info, obj), None


def _resolve(
    candidates: Iterable[_Candidate], prefer: Mapping[str, str]
) -> tuple[dict[str, dict[str, object]], dict[tuple[str, str], Source], list[PluginFailure],
           dict[str, str]]:  # fmt: skip
    """Phase 4, resolve: one object per key; a key supplied twice needs ``prefer``.

    Built-ins take part like any distribution (``medmassage``): a plugin that
    supplies a built-in key (an instrument ``odi``, a billing policy ``cms``) is a
    conflict unless the application prefers one of them; never "last one wins".
    """
    by_key: dict[tuple[str, str], list[_Candidate]] = {}
    for c in candidates:
        by_key.setdefault((c.info.group, c.info.name), []).append(c)
    found: dict[str, dict[str, object]] = {g: {} for g in GROUPS}
    sources: dict[tuple[str, str], Source] = {}
    failures: list[PluginFailure] = []
    disabled: dict[str, str] = {}
    for (group, key), options in sorted(by_key.items()):
        chosen = options[0]
        if len(options) > 1:
            want = prefer.get(key)
            winners = [o for o in options if o.info.distribution == want]
            if len(winners) != 1:
                names = ", ".join(o.info.display_name for o in options)
                hint = (
                    f"; the preferred distribution {want!r} is not one of them"
                    if want is not None
                    else "; name the one to use with prefer={key: distribution}"
                )
                failures.extend(
                    _failure(o.info, "conflict", f"key {key!r} is supplied by {names}{hint}")
                    for o in options
                    if o.info.distribution != BUILTIN_DISTRIBUTION
                )
                builtin = [o for o in options if o.info.distribution == BUILTIN_DISTRIBUTION]
                if not builtin:
                    continue
                chosen = builtin[0]  # a built-in is kept when a plugin contests it
            else:
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
    return found, sources, failures, disabled


def make_registry(
    *,
    modalities: Iterable[Modality] = (),
    rules: Iterable[Rule] = (),
    instruments: Iterable[Instrument] = (),
    billing_policies: Iterable[BillingPolicy] = (),
    autoload: bool | None = None,
    allow: Iterable[str] | None = None,
    block: Iterable[str] = (),
    prefer: Mapping[str, str] | None = None,
    entry_points: Iterable[EntryPoint] | None = None,
    distribution: str = APPLICATION,
    strict: bool = False,
) -> Registry:
    """Build a registry: the built-ins, installed plugins and objects given in code.

    It runs in four phases: *discover* (read entry-point metadata, import
    nothing: `discover`), *filter* (the allow- and block-lists, autoload, names),
    *load* (import each selected entry point and check the object against its
    group's protocol) and *resolve* (one object per key; a key supplied by two
    distributions, the built-ins included, needs *prefer*). Failures of every
    phase are collected, each naming ``distribution[entry-point]``.

    Args:
        modalities: Extra modalities supplied by the application.
        rules: Extra contraindication rules supplied by the application.
        instruments: Extra instruments supplied by the application.
        billing_policies: Extra billing policies supplied by the application.
        autoload: Whether to load installed plugins. ``None`` (the default) loads
            them unless ``MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD`` is set; ignored
            (treated as true) when *entry_points* is given.
        allow: Load only plugins whose entry-point name or distribution name is
            listed. ``None`` (the default) reads ``MEDMASSAGE_PLUGINS`` (a
            comma-separated list) if set, else allows all.
        block: Entry-point or distribution names not to load. Built-in rules and
            the ``medmassage`` distribution cannot be blocked.
        prefer: Key to the distribution whose object wins when several supply
            that key (``"medmassage"`` for a built-in). Without it a shared key
            is a failure: a plugin's object is not loaded, a built-in is kept.
        entry_points: Use these entry points instead of the installed ones.
        distribution: The name recorded as the source of the objects given in code.
        strict: Raise instead of recording failures.

    Raises:
        UsageError: If *block* names a built-in rule or medmassage itself.
        ExceptionGroup: In strict mode, of every failure's `PluginError`.
    """
    settings = _settings(autoload, allow, block, entry_points)
    failures: list[PluginFailure] = []
    disabled: dict[str, str] = {}
    candidates = _builtins()

    # objects given in code: checked like plugins, recorded under *distribution*
    given: list[tuple[str, object]] = [
        *((MODALITIES_GROUP, m) for m in modalities),
        *((RULES_GROUP, r) for r in rules),
        *((INSTRUMENTS_GROUP, i) for i in instruments),
        *((BILLING_POLICIES_GROUP, p) for p in billing_policies),
    ]
    for group, obj in given:
        key = _key_of(group, obj)
        info = PluginInfo(
            group=group,
            name=key if isinstance(key, str) else repr(key),
            value=f"<{type(obj).__name__} object>",
            distribution=distribution,
        )
        failure = _reserved(info)
        if failure is None:
            candidate, failure = _check(info, obj)
            if candidate is not None:
                candidates.append(candidate)
        if failure is not None:
            failures.append(failure)

    if settings.load_installed:
        selected, off, refused = _select(discover(entry_points=entry_points), settings)
        disabled.update(off)
        failures.extend(refused)
        loaded, broken = _load(selected)
        candidates.extend(loaded)
        failures.extend(broken)
    elif entry_points is None:
        disabled["<installed plugins>"] = "autoload is off"

    found, sources, conflicts, not_preferred = _resolve(candidates, dict(prefer or {}))
    failures.extend(conflicts)
    disabled.update(not_preferred)
    registry = Registry(
        modalities=found[MODALITIES_GROUP],  # type: ignore[arg-type]
        rules=found[RULES_GROUP],  # type: ignore[arg-type]
        instruments=found[INSTRUMENTS_GROUP],  # type: ignore[arg-type]
        billing_policies=found[BILLING_POLICIES_GROUP],  # type: ignore[arg-type]
        sources=sources,
        failures=tuple(failures),
        disabled=disabled,
    )
    if strict:
        registry.check()
    return registry
