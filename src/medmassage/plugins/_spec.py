"""`RegistrySpec`: how to build a registry, as a small value any process can receive."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import attrs

from ..exceptions import Problem, ValidationError
from ._loading import make_registry
from ._registry import Registry


def _names(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(sorted(set(_checked_names(value, "allow"))))


def _block(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(_checked_names(value, "block"))))


def _checked_names(value: Iterable[str], field: str) -> list[str]:
    if isinstance(value, str):
        raise ValidationError([Problem(field, "expected a list of names, not one string", "type")])
    names = list(value)
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise ValidationError([Problem(f"{field}[{i}]", "expected a name", "type")])
    return names


def _prefer(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    pairs: Iterable[object] = value.items() if isinstance(value, Mapping) else value
    out: list[tuple[str, str]] = []
    for i, pair in enumerate(pairs):
        if not (
            isinstance(pair, tuple)
            and len(pair) == 2
            and all(isinstance(part, str) for part in pair)
        ):
            raise ValidationError(
                [Problem(f"prefer[{i}]", "expected a (key, distribution) pair", "type")]
            )
        out.append(pair)
    return tuple(sorted(out))


@attrs.frozen(kw_only=True, slots=True)
class RegistrySpec:
    """The settings a registry is built from: send this to workers, not the registry.

    A registry holds plugin objects, which need not pickle; a spec holds only
    names, so it pickles anywhere. `build` makes the registry from the plugins
    installed in *this* process (once: the result is cached per process), with
    the same settings as `make_registry`. `pinned` records the fingerprint the
    coordinator expects, and `matches` tells a worker whether what it built is
    the same registry (`Registry.fingerprint`): a worker with a different plugin
    set, plugin version or failed load does not match.

    >>> spec = RegistrySpec(autoload=False).pinned()
    >>> spec.matches(spec.build()), spec.build() is spec.build()
    (True, True)

    Attributes:
        autoload: Whether to load installed plugins (``None``: unless
            ``MEDMASSAGE_DISABLE_PLUGIN_AUTOLOAD`` is set where it is built).
        allow: Load only these entry-point or distribution names (``None``: all,
            or ``MEDMASSAGE_PLUGINS`` where it is built).
        block: Entry-point or distribution names not to load.
        prefer: ``(key, distribution)`` pairs: which distribution wins a shared key.
        expected: The fingerprint a registry built from this spec must have
            (``None``: not checked). Set by `pinned`.

    .. versionadded:: 0.2.0
    """

    autoload: bool | None = None
    allow: tuple[str, ...] | None = attrs.field(default=None, converter=_names)
    block: tuple[str, ...] = attrs.field(default=(), converter=_block)
    prefer: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_prefer)
    expected: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.autoload is not None and not isinstance(self.autoload, bool):
            raise ValidationError([Problem("autoload", "expected true, false or None", "type")])
        if self.expected is not None and not isinstance(self.expected, str):
            raise ValidationError([Problem("expected", "expected a fingerprint", "type")])

    def build(self) -> Registry:
        """The registry these settings give in this process (built once, then cached).

        Failures are recorded in the registry, not raised (a failed rule plugin
        makes screening *indeterminate*).

        Raises:
            UsageError: If *block* names a built-in rule or medmassage itself.
        """
        return _built(attrs.evolve(self, expected=None))

    def pinned(self) -> RegistrySpec:
        """This spec expecting the fingerprint of the registry it builds here."""
        return attrs.evolve(self, expected=self.build().fingerprint())

    def matches(self, registry: Registry) -> bool:
        """Whether *registry* has the expected fingerprint (true if none is expected)."""
        return self.expected is None or registry.fingerprint() == self.expected


@functools.cache
def _built(spec: RegistrySpec) -> Registry:
    return make_registry(
        autoload=spec.autoload,
        allow=spec.allow,
        block=spec.block,
        prefer=dict(spec.prefer),
    )
