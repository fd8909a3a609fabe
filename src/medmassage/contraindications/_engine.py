"""The screening engine: the indexed `RuleSet`, the guard around plugin rules, `Assessment`."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping

import attrs

from ..advisories import Advisory
from ..exceptions import RuleExecutionError, ScreeningError, UsageError
from ..modalities import Modality
from ..patient import DeviceKind, MedicationClass, RiskFlag
from ..plans import TreatmentPlan
from ._checks import _technique_statuses, check_plan, check_session
from ._context import ScreeningContext
from ._findings import (
    Finding,
    PlanConflict,
    RuleFailure,
    ScreeningStatus,
    Severity,
    TechniqueStatus,
    Violation,
)
from ._policy import Policy, default_policy
from ._protocol import Rule, Triggers, _read_rule, check_rule

# -- the engine ----------------------------------------------------------------------


class RuleSet:
    """The screening engine: an immutable, indexed set of rules.

    Rules are indexed once, on construction, by their `Triggers`; `assess` shows
    a context only to the rules it triggers (plus those that ask to see every
    context), in id order. Building a `RuleSet` is the expensive part: reuse it
    (registries cache theirs).

    Args:
        rules: The rules; ids must be unique.
        failures: Rule plugins that failed to load. They make every assessment
            *indeterminate* (fail closed).

    Raises:
        UsageError: If two rules share an id, or a rule does not satisfy `Rule`.
    """

    __slots__ = (
        "_always",
        "_by_device",
        "_by_flag",
        "_by_icd",
        "_by_med",
        "_by_modality",
        "_by_tag",
        "_certifications",
        "_failures",
        "_ids",
        "_pregnancy",
        "_rules",
        "_surgeries",
        "_trusted",
        "_vitals",
    )

    def __init__(self, rules: Iterable[Rule], *, failures: Iterable[RuleFailure] = ()) -> None:
        facts: list[tuple[str, Triggers | None, Rule]] = []
        for rule in rules:
            problems = check_rule(rule)
            if problems:
                raise UsageError(
                    f"not a contraindication rule: {type(rule).__name__} ({'; '.join(problems)})"
                )
            facts.append((*_read_rule(rule), rule))
        facts.sort(key=lambda f: f[0])
        seen: set[str] = set()
        for rule_id, _, _ in facts:
            if rule_id in seen:
                raise UsageError(f"two rules have the id {rule_id!r}")
            seen.add(rule_id)
        # Ids and triggers are read once: a rule's properties are not trusted to
        # answer the same way twice.
        self._rules: tuple[Rule, ...] = tuple(f[2] for f in facts)
        self._ids: tuple[str, ...] = tuple(f[0] for f in facts)
        # Built-in (``core.``) rules run without the guard; decided once per rule.
        self._trusted: tuple[bool, ...] = tuple(i.startswith("core.") for i in self._ids)
        self._failures: tuple[RuleFailure, ...] = tuple(failures)
        by_icd: dict[str, list[int]] = {}
        by_med: dict[MedicationClass, list[int]] = {}
        by_flag: dict[RiskFlag, list[int]] = {}
        by_device: dict[DeviceKind, list[int]] = {}
        by_tag: dict[str, list[int]] = {}
        by_modality: dict[str, list[int]] = {}
        always: list[int] = []
        pregnancy: list[int] = []
        surgeries: list[int] = []
        vitals: list[int] = []
        certifications: list[int] = []
        for i, (_, t, _) in enumerate(facts):
            if t is None or t.empty or t.always:
                always.append(i)
                continue
            if t.icd10cm is not None:
                for cat in t.icd10cm.categories:
                    by_icd.setdefault(cat, []).append(i)
            for med in t.medication_classes:
                by_med.setdefault(med, []).append(i)
            for flag in t.flags:
                by_flag.setdefault(flag, []).append(i)
            for device in t.devices:
                by_device.setdefault(device, []).append(i)
            for tag in t.modality_tags:
                by_tag.setdefault(tag, []).append(i)
            for code in t.modalities:
                by_modality.setdefault(code, []).append(i)
            if t.pregnancy:
                pregnancy.append(i)
            if t.surgeries:
                surgeries.append(i)
            if t.vitals:
                vitals.append(i)
            if t.certifications:
                certifications.append(i)
        self._by_icd = {k: tuple(v) for k, v in by_icd.items()}
        self._by_med = {k: tuple(v) for k, v in by_med.items()}
        self._by_flag = {k: tuple(v) for k, v in by_flag.items()}
        self._by_device = {k: tuple(v) for k, v in by_device.items()}
        self._by_tag = {k: tuple(v) for k, v in by_tag.items()}
        self._by_modality = {k: tuple(v) for k, v in by_modality.items()}
        self._always = tuple(always)
        self._certifications = tuple(certifications)
        self._pregnancy = tuple(pregnancy)
        self._surgeries = tuple(surgeries)
        self._vitals = tuple(vitals)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules, in id order."""
        return self._rules

    @property
    def failures(self) -> tuple[RuleFailure, ...]:
        """Rule plugins that failed to load."""
        return self._failures

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"RuleSet({len(self._rules)} rules, {len(self._failures)} load failures)"

    def candidates(self, context: ScreeningContext) -> tuple[Rule, ...]:
        """The rules *context* triggers, in id order."""
        rules = self._rules
        return tuple([rules[i] for i in self.candidate_indices(context)])

    def candidate_indices(self, context: ScreeningContext) -> tuple[int, ...]:
        """The positions in `rules` of the rules *context* triggers, in id order."""
        hits: set[int] = set(self._always)
        by_icd = self._by_icd
        for code in context.icd10cm:
            if code is not None:
                found = by_icd.get(code[:3])
                if found:
                    hits.update(found)
        if self._by_med:
            for med in context.medication_classes:
                found = self._by_med.get(med)
                if found:
                    hits.update(found)
        patient = context.patient
        if self._by_flag:
            for flag in patient.flags:
                found = self._by_flag.get(flag)
                if found:
                    hits.update(found)
        if self._by_device:
            for device in patient.devices:
                found = self._by_device.get(device.kind)
                if found:
                    hits.update(found)
        if self._by_tag:
            for tag in context.modality_tags:
                found = self._by_tag.get(tag)
                if found:
                    hits.update(found)
        if self._by_modality:
            for code in context.modality_codes:
                found = self._by_modality.get(code)
                if found:
                    hits.update(found)
        if patient.pregnancy is not None:
            hits.update(self._pregnancy)
        if patient.surgeries:
            hits.update(self._surgeries)
        if context.session is not None and context.session.vitals is not None:
            hits.update(self._vitals)
        if context.required_certifications:
            hits.update(self._certifications)
        if len(hits) == len(self._always):
            return self._always  # nothing but the rules that see every context
        return tuple(sorted(hits))

    def assess(self, context: ScreeningContext, *, strict: bool = False) -> Assessment:
        """Evaluate the rules *context* triggers and derive the assessment.

        A session in the context is also checked against the findings
        (`check_session`). Modalities the registry does not know are a failure
        (their tags cannot be checked), as are rule plugins that failed to load.

        A rule that raises anything (`SystemExit` and `GeneratorExit` included;
        only `KeyboardInterrupt` passes through), returns something that is not
        a `Finding` of its own, or changes the context or the records it holds
        is a failure: the assessment is *indeterminate* and names it. Rules
        outside the ``core.`` namespace are evaluated under a guard: whatever
        such a rule rebinds (``object.__setattr__`` on the context, the patient,
        the plan, the session ...) is put back before the next rule runs, so
        rules cannot affect each other or the caller's objects.

        Raises:
            RuleExecutionError: In strict mode, if a rule raised, returned
                something that is not a `Finding` of its own, or changed its context.
            ScreeningError: In strict mode, if a rule plugin failed to load or a
                modality is unknown.
        """
        failures = list(self._failures)
        for code in sorted(context.unknown_modalities):
            failures.append(
                RuleFailure(
                    rule_id=f"modality:{code}",
                    cause="unknown modality: its contraindication tags cannot be checked",
                    stage="load",
                )
            )
        if strict and failures:
            raise ScreeningError("screening is incomplete: " + "; ".join(str(f) for f in failures))
        findings: list[Finding] = []
        policy = context.policy
        reclassify = bool(policy.severities)
        guard: _Guard | None = None
        rules, ids, trusted_rules = self._rules, self._ids, self._trusted
        for index in self.candidate_indices(context):
            rule = rules[index]
            rule_id = ids[index]
            trusted = trusted_rules[index]
            if guard is None and not trusted:
                guard = _Guard(context)
            try:
                batch: list[object] = list(rule.evaluate(context))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # SystemExit, GeneratorExit ... are rule failures too
                # The exception's own text may quote the patient's data: keep only its type
                # in messages; the exception itself stays attached for debugging.
                cause = f"{type(exc).__name__} raised by evaluate()"
                if guard is not None:
                    guard.restore()
                if strict:
                    raise RuleExecutionError(rule_id, cause) from exc
                failures.append(RuleFailure(rule_id=rule_id, cause=cause, error=exc))
                continue
            if not trusted and guard is not None:
                changed = guard.restore()
                if changed:
                    cause = "evaluate() changed its screening context: " + ", ".join(changed)
                    if strict:
                        raise RuleExecutionError(rule_id, cause)
                    failures.append(RuleFailure(rule_id=rule_id, cause=cause))
                    continue
            bad = _bad_result(rule_id, batch)
            if bad is not None:
                if strict:
                    raise RuleExecutionError(rule_id, bad)
                failures.append(RuleFailure(rule_id=rule_id, cause=bad))
                continue
            if reclassify:
                for finding in batch:
                    assert isinstance(finding, Finding)
                    findings.append(policy.classify(finding))
            else:
                findings.extend(batch)  # type: ignore[arg-type]  # all Finding (_bad_result)
        violations: tuple[Violation, ...] = ()
        if findings and context.session is not None:
            violations = check_session(
                findings,
                context.session,
                context.modalities,
                grade_pressure_bounds=context.policy.grade_pressure_bounds,
            )
        return Assessment(
            findings=findings,
            failures=tuple(failures),
            violations=violations,
            advisories=context.advisories,
            on=context.on,
            policy=policy,
            plan=context.plan,
            modalities=context.modalities,
        )


class _Guard:
    """Every attribute binding reachable from a screening context, to detect and undo changes.

    The models are frozen, so the only way a rule can change them is
    ``object.__setattr__``; recording each (object, attribute, value) once and
    comparing identities after a rule finds every such change and restores it.
    """

    __slots__ = ("_names", "_objects", "_paths", "_values")

    def __init__(self, context: ScreeningContext) -> None:
        self._objects: list[object] = []
        self._names: list[str] = []
        self._values: list[object] = []
        self._paths: list[str] = []
        seen: set[int] = set()
        roots: list[tuple[str, object]] = [("context", context)]
        known = sorted(context.modality_codes - context.unknown_modalities)
        roots.extend((f"modalities[{c!r}]", context.modalities[c]) for c in known)
        stack = roots[::-1]
        while stack:
            path, obj = stack.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if isinstance(obj, tuple | frozenset):
                stack.extend((f"{path}[{i}]", v) for i, v in enumerate(obj))
                continue
            if isinstance(obj, Mapping):
                stack.extend((f"{path}[{k!r}]", v) for k, v in obj.items())
                continue
            for name in _slot_names(type(obj)):
                try:
                    value = object.__getattribute__(obj, name)
                except AttributeError:  # pragma: no cover - an unset slot
                    continue
                self._objects.append(obj)
                self._names.append(name)
                self._values.append(value)
                self._paths.append(f"{path}.{name}")
                if not isinstance(value, str | int | float | enum.Enum | dt.date | type(None)):
                    stack.append((f"{path}.{name}", value))

    def restore(self) -> list[str]:
        """Put back every binding that changed; return the changed paths."""
        changed: list[str] = []
        get = object.__getattribute__
        for i, obj in enumerate(self._objects):
            name = self._names[i]
            try:
                same = get(obj, name) is self._values[i]
            except AttributeError:  # deleted with object.__delattr__
                same = False
            if not same:
                object.__setattr__(obj, name, self._values[i])
                changed.append(self._paths[i])
        return changed


_SLOTS: dict[type, tuple[str, ...]] = {}


def _slot_names(cls: type) -> tuple[str, ...]:
    """The instance attributes of a slotted class (attrs models, measures, the context)."""
    known = _SLOTS.get(cls)
    if known is not None:
        return known
    names: list[str] = []
    for klass in cls.__mro__:
        slots = vars(klass).get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__weakref__", "__dict__") and name not in names:
                names.append(name)
    _SLOTS[cls] = tuple(names)
    return _SLOTS[cls]


def _bad_result(rule_id: str, batch: list[object]) -> str | None:
    for item in batch:
        if type(item) is not Finding:
            return f"evaluate() produced a {type(item).__name__}; expected Finding"
        if item.rule_id != rule_id:
            return f"evaluate() produced a finding for rule {item.rule_id!r}"
    return None


# Severities most severe first: `Severity.rank` by position (an identity search, not the
# enum's Python-level hash).
_BY_RANK: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: s.rank))


def _sort_key(f: Finding) -> tuple[int, str]:
    return (_BY_RANK.index(f.severity), f.rule_id)


def _sorted_findings(value: Iterable[Finding]) -> tuple[Finding, ...]:
    found = tuple(value)
    return found if len(found) < 2 else tuple(sorted(found, key=_sort_key))


@attrs.frozen(kw_only=True, slots=True)
class Assessment:
    """The result of screening.

    Attributes:
        findings: The findings, most severe first, then by rule id.
        failures: Rules that could not be evaluated or loaded.
        violations: Session segments that break a finding.
        advisories: What screening noticed about its inputs (a date outside the
            plan, a pregnancy record projected past term); they do not change
            the status.
        on: The date screened for.
        policy: The policy that classified the findings.
        plan: The plan screened.
        modalities: The modalities known when screening.
        status: Derived by the policy from the other fields (see `Policy`).
        plan_conflicts: Planned techniques that a finding rules out or limits
            (computed on first use; see `check_plan`).
        techniques: The status of each planned technique (computed on first use;
            see `TechniqueStatus`).
    """

    findings: tuple[Finding, ...] = attrs.field(converter=_sorted_findings)
    failures: tuple[RuleFailure, ...] = ()
    violations: tuple[Violation, ...] = ()
    advisories: tuple[Advisory, ...] = ()
    on: dt.date
    policy: Policy = attrs.field(factory=default_policy, repr=False, eq=False)
    plan: TreatmentPlan | None = attrs.field(default=None, repr=False, eq=False)
    modalities: Mapping[str, Modality] = attrs.field(factory=dict, repr=False, eq=False)
    status: ScreeningStatus = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "status", self.policy.status(self.findings, self.failures, self.violations)
        )

    @functools.cached_property
    def plan_conflicts(self) -> tuple[PlanConflict, ...]:
        """Planned techniques that a finding rules out or limits (computed on first use).

        See `check_plan`.
        """
        if self.plan is None or not self.findings:
            return ()
        return check_plan(self.findings, self.plan, self.modalities)

    @functools.cached_property
    def techniques(self) -> tuple[TechniqueStatus, ...]:
        """The status of each planned technique (computed on first use).

        A modality-scoped finding (no lymphatic drainage with heart failure) defers
        the techniques of that modality, not the whole plan; see `TechniqueStatus`.
        """
        return _technique_statuses(
            self.findings, self.failures, self.plan_conflicts, self.plan, self.modalities
        )

    @property
    def clear(self) -> bool:
        """Whether the status is *clear*."""
        return self.status is ScreeningStatus.CLEAR

    @property
    def indeterminate(self) -> bool:
        """Whether the status is *indeterminate* (a rule failed: do not rely on it)."""
        return self.status is ScreeningStatus.INDETERMINATE

    def by_severity(self, severity: Severity) -> tuple[Finding, ...]:
        """The findings of one severity."""
        return tuple(f for f in self.findings if f.severity is severity)

    def for_rule(self, rule_id: str) -> tuple[Finding, ...]:
        """The findings of one rule."""
        return tuple(f for f in self.findings if f.rule_id == rule_id)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary."""
        return {
            "status": self.status.value,
            "on": self.on.isoformat(),
            "findings": [f.to_dict() for f in self.findings],
            "failures": [
                {"rule_id": f.rule_id, "stage": f.stage, "cause": f.cause} for f in self.failures
            ],
            "violations": [
                {"rule_id": v.rule_id, "segment": v.segment, "kind": v.kind, "message": v.message}
                for v in self.violations
            ],
            "plan_conflicts": [
                {
                    "rule_id": c.rule_id,
                    "technique": c.technique,
                    "kind": c.kind,
                    "message": c.message,
                }
                for c in self.plan_conflicts
            ],
            "techniques": [
                {
                    "technique": t.technique,
                    "modality": t.modality,
                    "region": t.region.value,
                    "laterality": t.laterality.value if t.laterality else None,
                    "status": t.status.value,
                    "rule_ids": list(t.rule_ids),
                }
                for t in self.techniques
            ],
            "advisories": [a.to_dict() for a in self.advisories],
        }
