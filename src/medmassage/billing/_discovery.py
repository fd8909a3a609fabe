"""Billing-policy plugins: entry-point discovery and loading.

Finds the policies of the ``medmassage.billing_policies`` entry-point group,
imports them on first use and checks them. Public names are documented in
`medmassage.billing`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

import attrs

from ..exceptions import (
    PluginConflictError,
    PluginError,
    PluginIncompatibleError,
    PluginLoadError,
    PluginValidationError,
    UnknownCodeError,
)
from ._policies import _BUILTIN, BILLING_POLICY_API_VERSION, BILLING_POLICY_GROUP, BillingPolicy

# -- plugin discovery ----------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class PolicyEntryPoint:
    """A billing policy advertised by an installed distribution (not yet imported).

    Attributes:
        name: The entry point's name, the policy's key.
        value: The entry point's target (``package.module:object``).
        distribution: The name of the distribution that declares it.
    """

    name: str
    value: str
    distribution: str

    @property
    def display(self) -> str:
        """``distribution[name]``, the way failures name an entry point."""
        return f"{self.distribution}[{self.name}]"

    def load(self) -> BillingPolicy:
        """Import the object and check it is a usable billing policy.

        Raises:
            PluginLoadError: If importing it fails.
            PluginValidationError: If it is not a `BillingPolicy` or its ``name``
                differs from the entry point's.
            PluginIncompatibleError: If its ``api_version`` is missing or unsupported.
        """
        from importlib.metadata import EntryPoint

        where = f"{self.display} in group {BILLING_POLICY_GROUP}"
        try:
            obj = EntryPoint(self.name, self.value, BILLING_POLICY_GROUP).load()
        except Exception as exc:  # any import-time error of third-party code
            raise PluginLoadError(
                f"{where}: cannot import {self.value}: {type(exc).__name__}: {exc}"
            ) from exc
        return _check_policy(obj, where, expected_name=self.name)


def _check_policy(obj: object, where: str, expected_name: str | None = None) -> BillingPolicy:
    version = getattr(obj, "api_version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise PluginIncompatibleError(f"{where}: the policy declares no integer api_version")
    if version != BILLING_POLICY_API_VERSION:
        raise PluginIncompatibleError(
            f"{where}: api_version {version} is not supported "
            f"(this medmassage supports {BILLING_POLICY_API_VERSION})"
        )
    if not isinstance(obj, BillingPolicy) or not callable(getattr(obj, "units", None)):
        raise PluginValidationError(
            f"{where}: expected an object with name, api_version and units(minutes_by_code)"
        )
    name: object = obj.name
    if not isinstance(name, str) or not name:
        raise PluginValidationError(f"{where}: expected a non-empty string name")
    if expected_name is not None and obj.name != expected_name:
        raise PluginValidationError(
            f"{where}: the policy is named {obj.name!r}, its entry point {expected_name!r}"
        )
    return obj


@attrs.frozen(kw_only=True, slots=True)
class PolicyDiscovery:
    """What `discover_billing_policies` found in installed metadata.

    Attributes:
        entry_points: Usable entry points by policy name (conflicts excluded).
        failed: Names that cannot be used, each with the reason: a name claimed
            by two distributions, or a plugin claiming a built-in name. Each
            error names ``distribution[entry-point]``.
    """

    entry_points: Mapping[str, PolicyEntryPoint]
    failed: Mapping[str, PluginError] = attrs.field(factory=dict)

    @property
    def failures(self) -> tuple[PluginError, ...]:
        """Every discovery failure, in name order."""
        return tuple(self.failed[name] for name in sorted(self.failed))


@attrs.frozen(kw_only=True, slots=True)
class PolicyLoadReport:
    """Every billing policy available, loaded, as `load_billing_policies` returns it.

    Attributes:
        policies: Policies by name, built-ins included.
        sources: The distribution that supplied each plugin policy.
        failures: Discovery and load failures, each naming
            ``distribution[entry-point]``.
    """

    policies: Mapping[str, BillingPolicy]
    sources: Mapping[str, str]
    failures: tuple[PluginError, ...] = ()

    def raise_for_failures(self) -> None:
        """Raise the failures together as an `ExceptionGroup`, if there are any."""
        if self.failures:
            raise ExceptionGroup("billing policy plugins failed", list(self.failures))


_discovery_lock = threading.Lock()
_discovery: PolicyDiscovery | None = None
_loaded: dict[PolicyEntryPoint, BillingPolicy] = {}


def discover_billing_policies(
    *, prefer: Mapping[str, str] | None = None, refresh: bool = False
) -> PolicyDiscovery:
    """Find billing-policy plugins from installed metadata, without importing them.

    Two distributions offering the same name is a conflict, reported in
    ``failures`` and leaving the name unusable, unless *prefer* says which
    distribution to use for that name: never "last one wins". Built-in names
    (``cms``, ``per_code``) cannot be replaced. The result without *prefer* is
    cached; *refresh* scans again (after installing a plugin at run time).

    Args:
        prefer: Policy name to the distribution to take it from.
        refresh: Ignore the cached result.
    """
    global _discovery
    if prefer is None and not refresh and _discovery is not None:
        return _discovery
    from importlib.metadata import entry_points

    found: dict[str, list[PolicyEntryPoint]] = {}
    for ep in entry_points(group=BILLING_POLICY_GROUP):
        dist = ep.dist.name if ep.dist is not None else "<unknown distribution>"
        found.setdefault(ep.name, []).append(
            PolicyEntryPoint(name=ep.name, value=ep.value, distribution=dist)
        )
    usable: dict[str, PolicyEntryPoint] = {}
    failures: dict[str, PluginError] = {}
    for name in sorted(found):
        candidates = found[name]
        names = ", ".join(c.display for c in candidates)
        if name in _BUILTIN:
            failures[name] = PluginConflictError(
                f"{names} in group {BILLING_POLICY_GROUP}: {name!r} is a built-in "
                "policy and cannot be replaced; register it under another name"
            )
            continue
        wanted = (prefer or {}).get(name)
        if wanted is not None:
            candidates = [c for c in candidates if c.distribution == wanted]
            if not candidates:
                failures[name] = PluginConflictError(
                    f"{names} in group {BILLING_POLICY_GROUP}: the preferred "
                    f"distribution {wanted!r} does not provide {name!r}"
                )
                continue
        if len(candidates) > 1:
            failures[name] = PluginConflictError(
                f"{names} in group {BILLING_POLICY_GROUP}: several distributions "
                f"provide the billing policy {name!r}; choose one with prefer="
                f"{{{name!r}: <distribution>}}"
            )
            continue
        usable[name] = candidates[0]
    result = PolicyDiscovery(entry_points=usable, failed=failures)
    if prefer is None:
        with _discovery_lock:
            _discovery = result
    return result


def get_billing_policy(
    policy: str | BillingPolicy = "cms", *, prefer: Mapping[str, str] | None = None
) -> BillingPolicy:
    """Return a billing policy by name, or check a policy object.

    Built-in names need no discovery. Other names are looked up among the
    installed plugins (`discover_billing_policies`) and imported on first use;
    loaded policies are cached.

    Raises:
        UnknownCodeError: If no policy has that name (the hint lists the names
            available).
        PluginError: If the named plugin conflicts, cannot be imported, or is not
            a valid policy (the message names ``distribution[entry-point]``).
    """
    if not isinstance(policy, str):
        return _check_policy(policy, "billing policy object")
    builtin = _BUILTIN.get(policy)
    if builtin is not None:
        return builtin
    discovery = discover_billing_policies(prefer=prefer)
    entry = discovery.entry_points.get(policy)
    if entry is None:
        failure = discovery.failed.get(policy)
        if failure is not None:
            raise failure
        available = sorted({*_BUILTIN, *discovery.entry_points})
        shown = policy if len(policy) <= 60 and policy.isprintable() else "<name>"
        raise UnknownCodeError(
            "billing policy", shown, f"available policies: {', '.join(available)}"
        )
    cached = _loaded.get(entry)
    if cached is None:
        cached = entry.load()
        with _discovery_lock:
            _loaded[entry] = cached
    return cached


def load_billing_policies(*, prefer: Mapping[str, str] | None = None) -> PolicyLoadReport:
    """Load every available billing policy, collecting failures instead of raising.

    For listing what is installed (``medmassage plugins``) and for applications
    that want to fail at start-up rather than at the first claim
    (``load_billing_policies().raise_for_failures()``).
    """
    discovery = discover_billing_policies(prefer=prefer)
    policies: dict[str, BillingPolicy] = dict(_BUILTIN)
    sources: dict[str, str] = {}
    failures = list(discovery.failures)
    for name, entry in sorted(discovery.entry_points.items()):
        try:
            policies[name] = get_billing_policy(name, prefer=prefer)
        except PluginError as exc:
            failures.append(exc)
        else:
            sources[name] = entry.distribution
    return PolicyLoadReport(policies=policies, sources=sources, failures=tuple(failures))
