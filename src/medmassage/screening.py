"""`screen`: contraindication screening with the default registry.

This is the convenience that sits above both the engine
(`medmassage.contraindications`) and the plugin registry (`medmassage.plugins`):
it fetches the registry (the cached default unless one is given), builds the
frozen `ScreeningContext` and lets the registry's `RuleSet` assess it.

>>> import datetime as dt
>>> from medmassage.testing.plugins import example_patient_and_plan
>>> patient, plan = example_patient_and_plan()  # a lumbar disc herniation (M51.26)
>>> result = screen(patient, plan, on=dt.date(2026, 1, 15))
>>> result.status.value
'modify'
>>> [(f.rule_id, f.severity.value, [str(s) for s in f.regions]) for f in result.findings]
[('core.herniated_disc', 'local', ['lumbar_spine'])]
"""

from __future__ import annotations

import datetime as dt

from .contraindications import Assessment, Policy, ScreeningContext, default_policy
from .exceptions import Problem, ValidationError
from .patient import Patient
from .plans import TreatmentPlan
from .plugins import Registry, get_default_registry
from .practitioners import Practitioner
from .sessions import Session

__all__ = ["screen"]


def screen(
    patient: Patient,
    plan: TreatmentPlan,
    *,
    session: Session | None = None,
    on: dt.date | None = None,
    practitioner: Practitioner | None = None,
    registry: Registry | None = None,
    strict: bool = False,
    policy: Policy | None = None,
) -> Assessment:
    """Screen *patient* and *plan* (and optionally a *session*) for contraindications.

    Args:
        patient: The patient.
        plan: The treatment plan.
        session: A session to screen as well: its segments are checked against the
            findings (region, modality, Walton grade and measured pressure in any
            unit), and its vital signs feed the fever and blood-pressure rules.
        on: The date to screen for; defaults to the session's start date, else today.
        practitioner: The treating practitioner, to check modality certifications.
        registry: The registry whose rules and modalities to use; defaults to
            `medmassage.plugins.get_default_registry`.
        strict: Raise instead of returning an *indeterminate* assessment.
        policy: How findings are classified and which thresholds apply; defaults
            to `Policy()`.

    Returns:
        The assessment: findings, failures, session violations and the status.

    Raises:
        ValidationError: If an argument has the wrong type.
        RuleExecutionError: In strict mode, if a rule failed.
        ScreeningError: In strict mode, if a rule plugin failed to load or a
            modality is unknown to the registry.
    """
    if on is None:
        on = session.start.date() if isinstance(session, Session) else dt.date.today()
    if registry is None:
        registry = get_default_registry()
    elif not isinstance(registry, Registry):
        raise ValidationError([Problem("registry", "expected a medmassage Registry", "type")])
    context = ScreeningContext(
        patient=patient,
        plan=plan,
        session=session,
        on=on,
        practitioner=practitioner,
        modalities=registry.modalities,
        policy=default_policy() if policy is None else policy,
    )
    return registry.rule_set().assess(context, strict=strict)
