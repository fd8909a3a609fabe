"""A case: one patient, one treatment plan, its sessions and the practitioners.

`Case` is the unit a clinic exchanges and the ``medmassage`` command reads:
it checks that its records belong together (same patient, sessions of this
plan, inside the plan's dates, in order). `Session.for_plan
<medmassage.sessions.Session.for_plan>` builds sessions that belong to the
plan. The patient's history need not repeat the plan's or the referral's
diagnoses: screening takes them as active conditions, and `medmassage.check`
notes each one the history does not list (``diagnosis_not_in_history``).
"""

from __future__ import annotations

import attrs

from ._validation import Model, earlier, unique
from .exceptions import Problem
from .patient import Patient
from .plans import TreatmentPlan
from .practitioners import Practitioner
from .sessions import Session

__all__ = ["Case"]


@attrs.frozen(kw_only=True, slots=True, repr=False)
class Case(Model):
    """A patient's course of treatment under one plan.

    Attributes:
        patient: The patient.
        plan: The treatment plan.
        sessions: The plan's sessions in chronological order (of their instants:
            sessions in different time zones, or either side of a daylight-saving
            change, are ordered by when they happened).
        practitioners: The practitioners who wrote the plan or treated.
    """

    patient: Patient
    plan: TreatmentPlan
    sessions: tuple[Session, ...] = ()
    practitioners: tuple[Practitioner, ...] = ()

    def _problems(self) -> list[Problem]:
        p: list[Problem] = []
        if self.plan.patient_id != self.patient.id:
            p.append(Problem("plan.patient_id", "expected the case's patient id", "consistency"))
        unique(p, "sessions", (s.id for s in self.sessions), "session id")
        unique(p, "practitioners", (x.id for x in self.practitioners), "practitioner id")
        previous = None
        for i, session in enumerate(self.sessions):
            where = f"sessions[{i}]"
            if session.patient_id != self.patient.id:
                p.append(
                    Problem(f"{where}.patient_id", "expected the case's patient id", "consistency")
                )
            if session.plan_id is not None and session.plan_id != self.plan.id:
                p.append(Problem(f"{where}.plan_id", "expected the case's plan id", "consistency"))
            if session.start.utcoffset() is not None:
                if not self.plan.covers(session.start.date()):
                    p.append(
                        Problem(
                            f"{where}.start",
                            "expected a date inside the plan's dates (start_date to end of "
                            "duration_weeks)",
                            "outside_plan",
                        )
                    )
                # Instants, not wall times: on the night clocks go back, 01:30 CST
                # (fold=1) is later than 01:45 CDT though its wall time is earlier.
                start = session.start
                if previous is not None and earlier(start, previous):
                    p.append(
                        Problem(
                            f"{where}.start", "expected sessions in chronological order", "order"
                        )
                    )
                previous = start
        return p

    def practitioner(self, practitioner_id: str) -> Practitioner | None:
        """The practitioner with *practitioner_id*, if the case lists them."""
        return next((x for x in self.practitioners if x.id == practitioner_id), None)

    def __repr__(self) -> str:
        return (
            f"Case(patient={self.patient!r}, plan={self.plan.id!r}, sessions={len(self.sessions)})"
        )

    __str__ = __repr__
