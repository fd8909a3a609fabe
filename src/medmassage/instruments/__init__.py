"""Outcome instruments: declarative definitions, scoring, and change against the MCID.

An `Instrument` is data: its items and their response formats, the scales it
reports and the rule each is scored by, how many unanswered items each scale
tolerates, its score range and direction, interpretation bands and minimal
clinically important differences (`Mcid`), each with the source it comes from.
A small generic engine scores any instrument so described, so a plugin can add
an instrument without writing scoring code.

The built-in instruments (NPRS, VAS, ODI 2.1a, NDI, QuickDASH, LEFS, BCTQ,
HIT-6, FIQR, PSFS, FFI, JFLS-20, RMDQ, pressure pain threshold and range of
motion) live in the private ``medmassage.instruments._catalogue`` and are
loaded on first use. No copyrighted item wording is shipped: items are
referenced by number. `get_instrument` looks a code up in a registry, by
default the one of the built-ins and the installed plugins
(`medmassage.plugins.get_default_registry`).

>>> from medmassage.instruments import get_instrument
>>> odi = get_instrument("odi")
>>> odi.score([3, 2, 1, 2, 1, 2, 1, 1, 2, 1]).value
32.0
>>> round(odi.score([3, 2, 1, 2, 1, 2, 1, None, 2, 2]).value, 2)
35.56
>>> change = odi.change(46.0, 30.0)
>>> change.direction.value, change.mcid_reached
('improved', True)
"""

from __future__ import annotations

import difflib
import functools
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeAlias

from ..exceptions import UnknownCodeError, UsageError
from ._scoring import Change, Instrument, InstrumentSource, Score
from ._scoring import Responses as _Responses
from ._spec import (
    Band,
    ChangeDirection,
    Direction,
    InputKind,
    Mcid,
    ResponseSpec,
    Scale,
    ScoringRule,
    _show,
)

__all__ = [
    "Band",
    "Change",
    "ChangeDirection",
    "Direction",
    "InputKind",
    "Instrument",
    "InstrumentSource",
    "Mcid",
    "ResponseSpec",
    "Responses",
    "Scale",
    "Score",
    "ScoringRule",
    "builtin_instruments",
    "get_instrument",
]

#: What `Instrument.score` accepts: a sequence of item responses in item order; for
#: instruments made of separate scales a mapping of scale name to such a sequence;
#: for single-item instruments also a bare number; for measured instruments a
#: pressure or angle (or a sequence of repeated trials).
Responses: TypeAlias = _Responses

if TYPE_CHECKING:
    # The deprecated alias, for type checkers. At run time `__getattr__` resolves it
    # and warns; a module __getattr__ seen by type checkers would let every misspelt
    # attribute of this module type-check.
    Rule = ScoringRule
else:

    def __getattr__(name: str) -> object:
        """Resolve the deprecated alias ``Rule`` of `ScoringRule`, with a warning."""
        if name == "Rule":
            warnings.warn(
                "medmassage.instruments.Rule is deprecated; use ScoringRule",
                DeprecationWarning,
                stacklevel=2,
            )
            return ScoringRule
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def builtin_instruments() -> Mapping[str, Instrument]:
    """Return the built-in instruments by code (loaded on first call, then cached)."""
    from ._catalogue import BUILTIN_INSTRUMENTS

    return {inst.code: inst for inst in BUILTIN_INSTRUMENTS}


def get_instrument(code: str, registry: InstrumentSource | None = None) -> Instrument:
    """Return the instrument with *code* (case-insensitive).

    Args:
        code: The instrument code, e.g. ``"odi"``.
        registry: Where to look first: a plugin `medmassage.plugins.Registry` or
            any `InstrumentSource`. ``None`` (the default) means the default
            registry, `medmassage.plugins.get_default_registry`: the built-ins
            and the installed plugins. The built-ins are searched if it does not
            know the code.

    Raises:
        UnknownCodeError: If no instrument has that code (with close matches).
        UsageError: If *code* is not a string.
    """
    if not isinstance(code, str):
        raise UsageError(f"instrument code: expected a string, got {_show(code)}")
    key = code.strip().lower()
    if registry is None:
        # The registry is a lower layer that imports this package's private modules.
        from ..plugins import get_default_registry

        registry = get_default_registry()
    try:
        return registry.instrument(key)
    except UnknownCodeError:
        pass
    builtins = builtin_instruments()
    found = builtins.get(key)
    if found is not None:
        return found
    close = difflib.get_close_matches(key, list(builtins), n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(sorted(builtins))}"
    raise UnknownCodeError("instrument", code, hint)
