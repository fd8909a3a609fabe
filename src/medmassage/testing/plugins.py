"""Helpers for plugin authors: registries without installing, protocol checks.

>>> from medmassage.testing.plugins import check_plugin, registry_from
>>> from medmassage.modalities import SWEDISH
>>> import attrs
>>> mine = attrs.evolve(SWEDISH, code="spa.hot_stone", name="Hot stone")
>>> check_plugin(mine)  # raises PluginValidationError if something is wrong
>>> registry = registry_from(modalities=[mine])
>>> registry.source("medmassage.modalities", "spa.hot_stone").distribution
'<test>'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..contraindications import Rule
from ..exceptions import PluginValidationError
from ..modalities import Modality
from ..plugins import (
    BILLING_POLICIES_GROUP,
    GROUPS,
    INSTRUMENTS_GROUP,
    MODALITIES_GROUP,
    RULES_GROUP,
    Registry,
    make_registry,
    validate_plugin,
)
from ..plugins._model import KEY_ATTRIBUTE

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from ..billing import BillingPolicy
    from ..instruments import Instrument
    from ..patient import Patient
    from ..plans import TreatmentPlan

__all__ = ["check_plugin", "entry_point", "example_patient_and_plan", "registry_from"]


class _FakeDistribution:
    """Just enough of `importlib.metadata.Distribution` for discovery."""

    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version

    def __repr__(self) -> str:
        return f"<distribution {self.name} {self.version}>"


def entry_point(
    name: str, value: str, group: str, *, distribution: str = "example-plugin", version: str = "1.0"
) -> EntryPoint:
    """Build an entry point as if *distribution* declared it (for ``entry_points=``).

    Args:
        name: The entry-point name (the key).
        value: ``module:attribute`` of the object.
        group: The entry-point group (see `medmassage.plugins.GROUPS`).
        distribution: The distribution name to attribute it to.
        version: That distribution's version.
    """
    from importlib.metadata import EntryPoint

    ep = EntryPoint(name=name, value=value, group=group)
    attach = getattr(ep, "_for")  # noqa: B009 - private in typeshed, public behaviour since 3.8
    bound: EntryPoint = attach(_FakeDistribution(distribution, version))
    return bound


def registry_from(
    *,
    modalities: Iterable[Modality] = (),
    rules: Iterable[Rule] = (),
    instruments: Iterable[Instrument] = (),
    billing_policies: Iterable[BillingPolicy] = (),
    entry_points: Iterable[EntryPoint] | None = None,
    prefer: Mapping[str, str] | None = None,
    distribution: str = "<test>",
    strict: bool = False,
) -> Registry:
    """Build a registry from objects (and optionally injected entry points) only.

    Installed plugins are never loaded, so the result does not depend on the
    environment. The built-ins are always included.
    """
    injected = None if entry_points is None else list(entry_points)
    return make_registry(
        modalities=modalities,
        rules=rules,
        instruments=instruments,
        billing_policies=billing_policies,
        autoload=False,
        # the environment's allow-list does not apply: every injected entry point is wanted
        allow=() if injected is None else [ep.name for ep in injected],
        entry_points=injected,
        prefer=prefer,
        distribution=distribution,
        strict=strict,
    )


def check_plugin(obj: object, group: str | None = None) -> None:
    """Check *obj* against the protocol of its plugin group.

    Args:
        obj: A modality, contraindication rule, instrument or billing policy.
        group: The entry-point group; by default inferred (a `Modality`, an
            `Instrument`, a billing policy (an object with ``units``), else a rule).

    Raises:
        PluginValidationError: Listing every problem found.
    """
    if group is None:
        from ..instruments import Instrument

        if isinstance(obj, Modality):
            group = MODALITIES_GROUP
        elif isinstance(obj, Instrument):
            group = INSTRUMENTS_GROUP
        elif callable(getattr(obj, "units", None)) and not callable(getattr(obj, "evaluate", None)):
            group = BILLING_POLICIES_GROUP
        else:
            group = RULES_GROUP
    problems = validate_plugin(group, obj)
    if group in GROUPS:
        key = getattr(obj, KEY_ATTRIBUTE[group], None)
        if isinstance(key, str) and key.startswith("core."):
            problems.append(("name", "the 'core.' namespace is reserved for built-ins"))
    if problems:
        raise PluginValidationError(
            f"{type(obj).__name__} is not a valid {group} plugin: "
            + "; ".join(f"[{kind}] {text}" for kind, text in problems)
        )


def example_patient_and_plan() -> tuple[Patient, TreatmentPlan]:
    """A minimal patient with a lumbar disc herniation (M51.26) and a Swedish plan.

    For trying rules out; the identity fields are synthetic.
    """
    from ..anatomy import BodyRegion
    from ..codes import Coding
    from ..diagnosis import Diagnosis
    from ..modalities import PressureGrade
    from ..patient import AdministrativeSex, Condition, Patient
    from ..plans import PlannedTechnique, TreatmentPlan
    from ..units import Duration

    disc = Coding.icd10cm("M51.26")
    patient = Patient(
        id="example-1",
        birth_date=dt.date(1980, 1, 1),
        sex=AdministrativeSex.FEMALE,
        conditions=(Condition(code=disc, region=BodyRegion.LUMBAR_SPINE),),
    )
    plan = TreatmentPlan(
        id="example-plan",
        patient_id="example-1",
        practitioner_id="example-pr",
        diagnoses=(Diagnosis(coding=disc, region=BodyRegion.LUMBAR_SPINE),),
        techniques=(
            PlannedTechnique(
                modality="core.swedish",
                region=BodyRegion.THORACIC_SPINE,
                duration=Duration(30, "min"),
                min_grade=PressureGrade.LIGHT_LOTIONING,
                max_grade=PressureGrade.SWEDISH,
            ),
        ),
        session_length=Duration(60, "min"),
        sessions_per_week=2,
        duration_weeks=6,
        start_date=dt.date(2026, 1, 12),
    )
    return patient, plan
