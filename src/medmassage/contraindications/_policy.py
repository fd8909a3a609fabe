"""The classification policy: severities by rule, thresholds, and how findings become a status."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs

from .._frozen import FrozenMap
from ..exceptions import Problem, ValidationError
from ..modalities import PressureGrade
from ..units import Duration, Pressure, Temperature
from ._findings import Finding, RuleFailure, ScreeningStatus, Severity, Violation

# -- policy --------------------------------------------------------------------------


def _freeze_severities(value: Mapping[str, Severity]) -> Mapping[str, Severity]:
    given: object = value
    items: list[tuple[object, object]] = list(value.items()) if isinstance(given, Mapping) else []
    if not isinstance(given, Mapping) or not all(
        isinstance(k, str) and isinstance(v, Severity) for k, v in items
    ):
        raise ValidationError(
            [Problem("severities", "expected a mapping of rule id to Severity", "type")], "Policy"
        )
    return FrozenMap(value)


def _freeze_bounds(value: Mapping[PressureGrade, Pressure]) -> Mapping[PressureGrade, Pressure]:
    given: object = value
    items: list[tuple[object, object]] = list(value.items()) if isinstance(given, Mapping) else []
    if not isinstance(given, Mapping) or not all(
        isinstance(k, PressureGrade) and isinstance(v, Pressure) for k, v in items
    ):
        raise ValidationError(
            [
                Problem(
                    "grade_pressure_bounds",
                    "expected a mapping of PressureGrade to Pressure",
                    "type",
                )
            ],
            "Policy",
        )
    return FrozenMap(value)


def _default_bounds() -> Mapping[PressureGrade, Pressure]:
    # A convention: Walton's grades are described, not measured. The bounds are
    # generous (grade 0 at 2.5 times the ~4 kPa of lymphatic drainage) so that only
    # a record that cannot be right is flagged; grades 4 and 5 are not bounded.
    return FrozenMap(
        {
            PressureGrade.STATIONARY_HOLD: Pressure(10, "kPa"),
            PressureGrade.LIGHT_LOTIONING: Pressure(20, "kPa"),
            PressureGrade.HEAVY_LOTIONING: Pressure(50, "kPa"),
            PressureGrade.SWEDISH: Pressure(150, "kPa"),
        }
    )


def _mmhg(value: float) -> Callable[[], Pressure]:
    return lambda: Pressure(value, "mmHg")


@attrs.frozen(kw_only=True, slots=True)
class Policy:
    """How findings are classified, and the thresholds the built-in rules use.

    The defaults follow the usual split of the massage-pathology textbooks
    (Werner R., *A Massage Therapist's Guide to Pathology*) and are a policy
    choice, not a consensus: Batavia M., J Bodyw Mov Ther 2004;8:48-57 found no
    agreed list.
    Override any of them::

        Policy(severities={"core.first_trimester": Severity.RELATIVE})

    Status is derived from the (reclassified) findings: any rule failure makes it
    *indeterminate*; otherwise an absolute finding that concerns every modality,
    or a session segment that breaks a finding (when `violations_defer`), makes
    it *defer*; an absolute finding limited to some modalities (no lymphatic
    drainage with heart failure) defers the techniques of those modalities
    (`Assessment.techniques`) and makes the whole *modify*, as a local or
    relative finding does: the plan changes, treatment goes on; information
    alone is *clear*. Per technique, a finding that forbids it (absolute, or
    avoid its region or modality) makes it *defer*, one that limits or
    qualifies it makes it *modify*.

    Attributes:
        severities: Rule id to the severity its findings should have. Reclassifying
            never removes a finding; the rule's own severity is kept in
            `Finding.reclassified_from`.
        fever: Body temperature at or above which the fever rule defers
            treatment (default 38.0 degC; evidence level convention: sources say
            "fever" without a number, 38.0 degC is the common clinical cut-off).
        systolic_limit: Systolic pressure at or above which treatment is
            deferred (default 180 mmHg).
        diastolic_limit: Diastolic pressure at or above which treatment is deferred
            (default 120 mmHg). Both defaults are the ACC/AHA 2017 threshold of a
            hypertensive crisis (Whelton et al., Hypertension 2018;71:e13-e115);
            the massage-pathology texts name uncontrolled hypertension without a
            number (evidence level guideline).
        surgery_no_contact: How long after an operation its site is not touched
            unless the surgeon cleared it (default 14 days; evidence level
            convention: no guideline gives a window, the surgeon's clearance
            governs).
        surgery_light_only: How long after an operation, without clearance, only
            light pressure is used over the site (default 84 days = 12 weeks;
            evidence level convention: no guideline found, medmassage's
            conservative choice).
        late_pregnancy_weeks: Gestational age from which supine positioning is
            replaced by side-lying (default 22 weeks; evidence level convention:
            the pregnant uterus can compress the vena cava when the woman lies
            supine, but no source gives a week for the massage table; a systematic
            review found too little evidence to measure the harm, Mottola et al.,
            Br J Sports Med 2019;53:82-89).
        violations_defer: Whether a session segment that breaks a finding makes
            the status *defer* (default true).
        grade_pressure_bounds: For each Walton grade, the measured pressure above
            which a segment recorded at that grade contradicts its own record (a
            "grade 2" segment at 441 kPa). A segment under a grade limit whose
            measured pressure is above the bound of the limit's grade breaks the
            limit (`Violation` kind ``"inconsistent"``), so a limit in grades
            cannot be passed by recording only a low grade. Defaults (a
            convention: Walton's scale has no published pressures): grade 0 10 kPa,
            1 20 kPa, 2 50 kPa, 3 150 kPa; grades 4 and 5 unbounded.
    """

    severities: Mapping[str, Severity] = attrs.field(
        factory=dict, converter=_freeze_severities, eq=False
    )
    fever: Temperature = attrs.field(factory=lambda: Temperature(38.0, "degC"))
    systolic_limit: Pressure = attrs.field(factory=_mmhg(180))
    diastolic_limit: Pressure = attrs.field(factory=_mmhg(120))
    surgery_no_contact: Duration = attrs.field(factory=lambda: Duration(14 * 24 * 60, "min"))
    surgery_light_only: Duration = attrs.field(factory=lambda: Duration(84 * 24 * 60, "min"))
    late_pregnancy_weeks: float = 22.0
    violations_defer: bool = True
    grade_pressure_bounds: Mapping[PressureGrade, Pressure] = attrs.field(
        factory=_default_bounds, converter=_freeze_bounds, eq=False
    )

    def __attrs_post_init__(self) -> None:
        p: list[Problem] = []
        kinds: tuple[tuple[str, type], ...] = (
            ("fever", Temperature),
            ("systolic_limit", Pressure),
            ("diastolic_limit", Pressure),
            ("surgery_no_contact", Duration),
            ("surgery_light_only", Duration),
        )
        for name, kind in kinds:
            if not isinstance(getattr(self, name), kind):
                p.append(Problem(name, f"expected a {kind.__name__}", "type"))
        weeks: object = self.late_pregnancy_weeks
        if isinstance(weeks, bool) or not isinstance(weeks, int | float) or not 0 <= weeks <= 42:
            p.append(Problem("late_pregnancy_weeks", "expected weeks between 0 and 42", "range"))
        if p:
            raise ValidationError(p, "Policy")

    def classify(self, finding: Finding) -> Finding:
        """Return *finding* with the severity this policy gives its rule."""
        severity = self.severities.get(finding.rule_id)
        if severity is None or severity is finding.severity:
            return finding
        return attrs.evolve(finding, severity=severity, reclassified_from=finding.severity)

    def status(
        self,
        findings: Sequence[Finding],
        failures: Sequence[RuleFailure] = (),
        violations: Sequence[Violation] = (),
    ) -> ScreeningStatus:
        """Derive the status of an assessment (see the class docstring)."""
        if failures:
            return ScreeningStatus.INDETERMINATE
        if self.violations_defer and violations:
            return ScreeningStatus.DEFER
        status = ScreeningStatus.CLEAR
        for f in findings:
            if f.severity is Severity.ABSOLUTE and not (f.modalities or f.tags):
                return ScreeningStatus.DEFER
            if f.severity is not Severity.INFORMATION:
                status = ScreeningStatus.MODIFY
        return status


_DEFAULT_POLICY: list[Policy] = []


def default_policy() -> Policy:
    """Return the default `Policy` (built on first use)."""
    if not _DEFAULT_POLICY:
        _DEFAULT_POLICY.append(Policy())
    return _DEFAULT_POLICY[0]
