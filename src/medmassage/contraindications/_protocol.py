"""The rule protocol: what a rule is (`Rule`), what triggers it (`Triggers`), `check_rule`."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import Final, Protocol, runtime_checkable

import attrs

from ..anatomy import BodyRegion
from ..codes import CodeSet
from ..exceptions import UsageError
from ..patient import DeviceKind, MedicationClass, RiskFlag
from ._context import ScreeningContext
from ._findings import Finding, Severity

# -- the rule protocol ---------------------------------------------------------------


@attrs.frozen(kw_only=True, slots=True)
class Triggers:
    """What makes a rule worth evaluating: the engine's index keys.

    A rule is evaluated for a context that has at least one of its triggers. A
    rule whose triggers are all empty, or whose `Rule.triggers` is ``None``, is
    evaluated for every context (the safe default for a rule that does not say).

    Attributes:
        icd10cm: Active conditions with a code in this set.
        medication_classes: Active medications of these classes.
        flags: These risk flags.
        devices: Implanted devices of these kinds.
        modality_tags: A planned or applied modality carrying one of these tags.
        modalities: A planned or applied modality with one of these codes.
        pregnancy: A recorded pregnancy.
        surgeries: Any recorded surgery.
        vitals: Vital signs recorded in the session.
        certifications: A planned or applied modality that requires a certification.
        always: Evaluate for every context.
    """

    icd10cm: CodeSet | None = None
    medication_classes: frozenset[MedicationClass] = frozenset()
    flags: frozenset[RiskFlag] = frozenset()
    devices: frozenset[DeviceKind] = frozenset()
    modality_tags: frozenset[str] = frozenset()
    modalities: frozenset[str] = frozenset()
    pregnancy: bool = False
    surgeries: bool = False
    vitals: bool = False
    certifications: bool = False
    always: bool = False

    @property
    def empty(self) -> bool:
        """Whether no trigger is set (such a rule is evaluated always)."""
        return not (
            self.icd10cm
            or self.medication_classes
            or self.flags
            or self.devices
            or self.modality_tags
            or self.modalities
            or self.pregnancy
            or self.surgeries
            or self.vitals
            or self.certifications
            or self.always
        )


@runtime_checkable
class Rule(Protocol):
    """A contraindication rule (implement this to write a rule plugin).

    Attributes are read-only; a frozen attrs class is the natural implementation.
    The ``evaluate`` method must be pure and deterministic: the same context gives
    the same findings, and nothing outside the returned findings changes.
    """

    @property
    def id(self) -> str:
        """The registry key (``core.*`` is reserved for built-ins)."""

    @property
    def title(self) -> str:
        """A short human-readable title."""

    @property
    def severity(self) -> Severity:
        """The severity of the rule's typical finding (findings carry their own)."""

    @property
    def modalities(self) -> frozenset[str]:
        """The modality codes or tags the rule concerns (empty: every modality)."""

    @property
    def regions(self) -> frozenset[BodyRegion]:
        """The body regions the rule concerns (empty: any region)."""

    @property
    def source(self) -> str:
        """The citation behind the rule."""

    @property
    def api_version(self) -> int:
        """The plugin API version the rule targets."""

    @property
    def triggers(self) -> Triggers | None:
        """What makes the rule worth evaluating (``None``: every context)."""

    def evaluate(self, context: ScreeningContext) -> Iterable[Finding]:
        """Return the findings for *context* (possibly none)."""


_RULE_ATTRS: Final = (
    ("id", str),
    ("title", str),
    ("severity", Severity),
    ("modalities", frozenset),
    ("regions", frozenset),
    ("source", str),
    ("api_version", int),
)


def check_rule(obj: object) -> list[str]:
    """Check *obj* against the `Rule` protocol; return what is wrong (empty if nothing).

    Checks every attribute's presence and type, that ``triggers`` is a `Triggers`
    or ``None``, that the id is a lower-case dotted key, and that ``evaluate``
    takes exactly one argument (the `ScreeningContext`).
    """
    problems: list[str] = []
    for name, kind in _RULE_ATTRS:
        try:
            value: object = getattr(obj, name)
        except AttributeError:
            problems.append(f"missing attribute {name!r}")
            continue
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a property that raised (SystemExit included)
            problems.append(f"attribute {name!r} raised {type(exc).__name__}")
            continue
        if kind is int and isinstance(value, bool):
            problems.append(f"{name} must be an int, not bool")
        elif not isinstance(value, kind):
            problems.append(f"{name} must be {kind.__name__}, not {type(value).__name__}")
        elif name == "source" and isinstance(value, str) and not value.strip():
            problems.append("source must cite the rule's source (non-blank)")
        elif name == "id" and isinstance(value, str) and _KEY.match(value) is None:
            problems.append("id must be a lower-case dotted key like 'cupping.anticoagulants'")
    triggers = _guarded_attr(obj, "triggers")
    if triggers is _MISSING:
        problems.append("missing attribute 'triggers' (use None to be evaluated always)")
    elif isinstance(triggers, _Raised):
        problems.append(f"attribute 'triggers' raised {triggers.name}")
    elif triggers is not None and not isinstance(triggers, Triggers):
        problems.append(f"triggers must be Triggers or None, not {type(triggers).__name__}")
    evaluate = _guarded_attr(obj, "evaluate")
    if isinstance(evaluate, _Raised):
        problems.append(f"attribute 'evaluate' raised {evaluate.name}")
    elif not callable(evaluate):
        problems.append("missing method evaluate(context)")
    else:
        try:
            sig = inspect.signature(evaluate)
        except (TypeError, ValueError):  # pragma: no cover - builtins without signature
            sig = None
        if sig is not None:
            try:
                sig.bind(None)
            except TypeError:
                problems.append(f"evaluate{sig} must accept exactly one argument (the context)")
    return problems


@attrs.frozen(slots=True)
class _Raised:
    name: str


def _guarded_attr(obj: object, name: str) -> object:
    """``getattr`` that reports, rather than raises, whatever a property raises."""
    try:
        return getattr(obj, name)
    except AttributeError:
        return _MISSING
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        return _Raised(type(exc).__name__)


def _read_rule(rule: object) -> tuple[str, Triggers | None]:
    """Read a checked rule's id and triggers, whatever its properties raise."""
    try:
        rule_id: object = getattr(rule, "id")  # noqa: B009 - a property may raise
        triggers: object = getattr(rule, "triggers")  # noqa: B009
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise UsageError(
            f"not a contraindication rule: {type(rule).__name__} (reading its id or triggers "
            f"raised {type(exc).__name__})"
        ) from None
    if not isinstance(rule_id, str) or not (triggers is None or isinstance(triggers, Triggers)):
        raise UsageError(f"not a contraindication rule: {type(rule).__name__} (id or triggers)")
    return rule_id, triggers


_MISSING: Final = object()
_KEY: Final = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
