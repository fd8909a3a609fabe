"""`Registry`: the immutable value holding every registered object and its provenance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from ..contraindications import Rule, RuleFailure, RuleSet
from ..exceptions import (
    UnknownCodeError,
)
from ..modalities import Modality
from ._model import (
    INSTRUMENTS_GROUP,
    MODALITIES_GROUP,
    PLUGIN_API_VERSION,
    RULES_GROUP,
    PluginFailure,
    Source,
)

if TYPE_CHECKING:
    from ..instruments import Instrument


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
