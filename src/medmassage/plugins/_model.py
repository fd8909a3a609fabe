"""The plugin system's vocabulary: groups, API versions, what was found and what failed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

import attrs

from ..exceptions import (
    PluginError,
)

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint


PLUGIN_API_VERSION: Final = 1
#: The plugin API versions this medmassage accepts.
SUPPORTED_PLUGIN_API: Final = frozenset({1})

#: Entry-point group of modalities.
MODALITIES_GROUP: Final = "medmassage.modalities"
#: Entry-point group of contraindication rules.
RULES_GROUP: Final = "medmassage.contraindications"
#: Entry-point group of outcome instruments.
INSTRUMENTS_GROUP: Final = "medmassage.instruments"
#: Entry-point group of billing policies.
BILLING_POLICIES_GROUP: Final = "medmassage.billing_policies"
#: Every group, in the order they are listed.
GROUPS: Final = (MODALITIES_GROUP, RULES_GROUP, INSTRUMENTS_GROUP, BILLING_POLICIES_GROUP)
#: The attribute that holds an object's key, per group.
KEY_ATTRIBUTE: Final = {
    MODALITIES_GROUP: "code",
    RULES_GROUP: "id",
    INSTRUMENTS_GROUP: "code",
    BILLING_POLICIES_GROUP: "name",
}
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
