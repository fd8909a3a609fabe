"""The built-in pregnancy rule: positioning, pressure and high risk by stage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import attrs

from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from .._context import MAX_GESTATION_WEEKS, ScreeningContext
from .._findings import Action, Finding, Severity, Site
from ._base import _R, NCCIH, WERNER, CoreRule, _t

_LEGS_AND_HANDS: Final = (Site(region=_R.LOWER_LIMB), Site(region=_R.HAND))
HIGH_RISK_PREGNANCY_CODES: Final = CodeSet(
    "O09", "O10-O16", "O20", "O44", "O46", "O60",
)  # fmt: skip
PREGNANT_CODES: Final = CodeSet("Z33.1", "Z3A")


@attrs.frozen(kw_only=True, slots=True)
class PregnancyRule(CoreRule):
    """Pregnancy: stage-dependent positioning and pressure; high risk defers.

    * High-risk pregnancy (recorded as such, or O09 supervision of high-risk
      pregnancy, O10-O16 hypertension / pre-eclampsia, O20 / O46 haemorrhage, O44
      placenta praevia, O60 preterm labour): defer without obstetric clearance.
      A clearance recorded on the pregnancy (`medmassage.patient.Clearance`: who
      cleared it, when, until when) and in force on the screening date replaces
      the deferral with a relative finding (treat within the team's
      instructions); a lapsed one is named in the deferral's evidence.
    * Throughout: no deep pressure on the abdomen (gentle strokes only), and deep
      tissue work (modalities tagged ``deep_pressure``) only with the obstetric
      provider's agreement.
    * From the policy's week (22 by default): side-lying or semi-reclined, not
      supine (the uterus can compress the vena cava; a systematic review found
      too little evidence to measure the harm of lying supine, Mottola et al.
      2019; no source gives a week for the massage table, so 22 is
      medmassage's convention).
    * Throughout: no strong pressure on the legs (the clot risk of pregnancy);
      avoid the acupoints LI4 (hand) and SP6 (lower leg) before 40 weeks (a
      traditional acupressure caution with no evidence either way, kept as a
      conservative convention).
    * First trimester: information only: many therapists decline, a custom with
      no evidence behind it (no guideline advises against massage in the first
      trimester).
    * Pregnant (Z33.1, Z3A) with no gestational age recorded: all positional
      advice applies.

    Evidence level: textbook: Werner's massage pathology (pregnancy: positioning,
    leg pressure, high-risk pregnancy and pre-eclampsia referred to the obstetric
    team) and NCCIH's advice to talk to the provider; the week of the positional
    change and the acupoint caution are medmassage's conventions.

    Source: Werner R., *A Massage Therapist's Guide to Pathology*, 7th ed. (Books of
    Discovery, 2019), pregnancy, preeclampsia; NCCIH, *Massage Therapy: What You
    Need To Know* (pregnant women: talk to the provider); American College of
    Obstetricians and Gynecologists, Committee Opinion No. 804, Physical activity
    and exercise during pregnancy and the postpartum period, *Obstet Gynecol* 2020
    (the complications, such as pre-eclampsia, placenta praevia, preterm labour and
    bleeding, that need the obstetric provider's evaluation first); Mottola M.F. et
    al., Is supine exercise associated with adverse maternal and fetal outcomes? A
    systematic review, *Br J Sports Med* 2019;53(2):82-89. Week 22, the acupoints
    and the first-trimester note: medmassage's conventions.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """Advise by stage and risk."""
        pregnancy = context.patient.pregnancy
        coded_risk = [context.evidence(c) for c in context.matching(HIGH_RISK_PREGNANCY_CODES)]
        coded = [context.evidence(c) for c in context.matching(PREGNANT_CODES)]
        if pregnancy is None and not coded and not coded_risk:
            return
        if (pregnancy is not None and pregnancy.high_risk) or coded_risk:
            risk = coded_risk or ["pregnancy recorded as high-risk"]
            clearance = pregnancy.clearance if pregnancy is not None else None
            if clearance is not None and clearance.valid_on(context.on):
                yield self._finding(
                    Action.MONITOR,
                    "High-risk pregnancy cleared for massage by the obstetric team: treat "
                    "within their instructions; stop and refer on any new symptom.",
                    severity=Severity.RELATIVE,
                    evidence=[*risk, f"obstetric clearance recorded on {clearance.cleared_on}"],
                )
            else:
                lapsed = (
                    [f"obstetric clearance of {clearance.cleared_on} not in force"]
                    if clearance is not None
                    else []
                )
                yield self._finding(
                    Action.DEFER,
                    "High-risk pregnancy: do not treat without the obstetric team's clearance "
                    "(record it on the pregnancy: who cleared it and when).",
                    severity=Severity.ABSOLUTE,
                    evidence=[*risk, *lapsed],
                )
        weeks = pregnancy.weeks_on(context.on) if pregnancy is not None else None
        if pregnancy is not None and weeks is not None and not 0 <= weeks <= MAX_GESTATION_WEEKS:
            # The record cannot be projected to this date (past term, or recorded later):
            # the gestational age is unknown, so every stage's advice applies.
            evidence = [
                f"pregnancy recorded at {pregnancy.gestational_weeks} weeks on "
                f"{pregnancy.recorded_on}; gestational age on {context.on} unknown"
            ]
            weeks = None
        elif weeks is not None:
            evidence = [f"pregnancy, {weeks:.0f} weeks"]
        else:
            evidence = coded or coded_risk
        if weeks is None or weeks >= context.policy.late_pregnancy_weeks:
            yield self._finding(
                Action.CHANGE_POSITION,
                "Later pregnancy: side-lying or semi-reclined, not supine (vena cava compression).",
                evidence=evidence,
            )
        yield self._finding(
            Action.LIMIT_PRESSURE,
            "Pregnancy: no strong pressure on the legs (clot risk); avoid LI4 on the hand "
            "and SP6 above the medial malleolus.",
            regions=_LEGS_AND_HANDS,
            max_grade=PressureGrade.SWEDISH,
            evidence=evidence,
        )
        yield self._finding(
            Action.LIMIT_PRESSURE,
            "Pregnancy: no deep pressure on the abdomen; gentle strokes only there.",
            regions=(Site(region=_R.ABDOMEN),),
            max_grade=PressureGrade.LIGHT_LOTIONING,
            evidence=evidence,
        )
        if context.uses(tag="deep_pressure"):
            yield self._finding(
                Action.OBTAIN_CLEARANCE,
                "Deep tissue work in pregnancy: only with the obstetric provider's agreement.",
                tags=frozenset({"deep_pressure"}),
                evidence=evidence,
            )
        if weeks is not None and weeks < 14:
            yield self._finding(
                Action.MONITOR,
                "First trimester: many therapists decline (a custom, not evidence-based).",
                severity=Severity.INFORMATION,
                evidence=evidence,
            )


PREGNANCY: Final = PregnancyRule(
    id="core.pregnancy",
    title="Pregnancy",
    severity=Severity.RELATIVE,
    source=f"{WERNER}, pregnancy, preeclampsia; {NCCIH}; ACOG Committee Opinion "
    "No. 804 (Obstet Gynecol 2020), complications; Mottola et al., Br J Sports Med "
    "2019 (supine position); week 22, acupoints: "
    "medmassage's conventions",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(
        CodeSet("O09", "O10-O16", "O20", "O44", "O46", "O60", "Z33.1", "Z3A"),
        pregnancy=True,
    ),
)
