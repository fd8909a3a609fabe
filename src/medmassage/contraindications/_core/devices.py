"""The built-in rule of implanted devices: no pressure over the device."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Final

import attrs

from ...anatomy import BodyRegion
from ...codes import CodeSet
from ...evidence import EvidenceLevel
from ...modalities import PressureGrade
from ...patient import DeviceKind, ImplantedDevice
from .._context import ScreeningContext
from .._findings import Action, Finding, Severity, Site
from ._base import _R, NCCIH, WALTON, CoreRule, _t

#: Devices under the skin that pressure can dislodge, damage or make painful.
_LOCAL_DEVICES: Final = frozenset(
    {
        DeviceKind.PACEMAKER,
        DeviceKind.DEFIBRILLATOR,
        DeviceKind.VENOUS_PORT,
        DeviceKind.NEUROSTIMULATOR,
        DeviceKind.INSULIN_PUMP,
        DeviceKind.BREAST_IMPLANT,
        DeviceKind.OTHER,
    }
)
#: Orthopaedic hardware: no local pressure limit, the surgeon's movement precautions.
_HARDWARE: Final = frozenset({DeviceKind.JOINT_REPLACEMENT, DeviceKind.SPINAL_FIXATION})

DEVICE_CODES: Final = CodeSet(
    "Z95.0", "Z95.810", "Z95.828", "Z45.2", "Z96.41", "Z96.82", "Z45.42",
)  # fmt: skip
# Where a coded device is when no device record says: a pacemaker or defibrillator
# generator sits below a clavicle (the chest); a vascular access device in the chest
# or the arm; an insulin pump's site is usually the abdomen, but arms and thighs are
# used, and a neurostimulator may be anywhere: unknown, so the whole body.
_CODED_SITES: Final[Mapping[str, tuple[BodyRegion, ...]]] = {
    "Z95.0": (_R.CHEST,),
    "Z95.810": (_R.CHEST,),
    "Z95.828": (_R.CHEST, _R.UPPER_LIMB),
    "Z45.2": (_R.CHEST, _R.UPPER_LIMB),
    "Z96.41": (),
    "Z96.82": (),
    "Z45.42": (),
}


@attrs.frozen(kw_only=True, slots=True)
class ImplantedDeviceRule(CoreRule):
    """Implanted devices and ports: no pressure over the device site.

    Structured history (`medmassage.patient.ImplantedDevice`): a pacemaker or
    defibrillator, a venous access port, a neurostimulator, an insulin pump, a
    breast implant or another device is a local contraindication over its
    recorded region and side (the chest keeps a side: a pacemaker under the left
    clavicle leaves the right chest free); light touch at most, no deep or
    sustained pressure, no friction. Coded devices without a record (Z95.0
    pacemaker, Z95.810 defibrillator, Z95.828 / Z45.2 vascular access, Z96.41
    insulin pump, Z96.82 / Z45.42 neurostimulator) are placed where the device
    usually is, or everywhere when its site varies, until the site is recorded.
    Joint replacements and spinal fixation are information: follow the
    surgeon's movement precautions for positioning and stretching.

    Evidence level: textbook: massage-pathology textbooks give precautions for
    clients with pacemakers and other implanted devices (Salvo) and for ports and
    lines (Walton); the light-touch limit over the site is medmassage's convention.

    Source: Salvo S.G., *Mosby's Pathology for Massage Therapists*, 4th ed.
    (Elsevier), Medical Technology boxes (pacemakers and other devices); Walton T.,
    *Medical Conditions and Massage Therapy: A Decision Tree Approach* (Lippincott
    Williams & Wilkins, 2011), cancer chapter (ports, lines and catheters); NCCIH,
    *Massage Therapy: What You Need To Know* (talk to the provider about medical
    conditions); CMS ICD-10-CM tabular (Z95, Z96.4, Z96.82, Z45). Grade limit over
    the site: medmassage's convention.
    """

    def evaluate(self, context: ScreeningContext) -> Iterator[Finding]:
        """One finding per device: avoid its site, or note the hardware precautions."""
        recorded = {d.kind for d in context.patient.devices}
        for i, d in enumerate(context.patient.devices):
            yield self._device_finding(d, f"patient.devices[{i}] {d.kind.value}")
        for c in context.matching(DEVICE_CODES):
            code = c.icd10cm
            assert code is not None
            key = next(k for k in _CODED_KIND if code.startswith(k))
            kind = _CODED_KIND[key]
            if kind in recorded:
                continue  # the device record says where it is
            where: tuple[Site, ...]
            if c.region is not None:
                where = (Site(region=c.region, laterality=c.laterality),)
            else:
                where = tuple(Site(region=r) for r in _CODED_SITES[key])
            yield self._finding(
                Action.AVOID_REGION,
                "Implanted device: no pressure over the device site (record the device and "
                "its site to narrow this).",
                regions=where,
                max_grade=PressureGrade.LIGHT_LOTIONING,
                evidence=(context.evidence(c),),
            )

    def _device_finding(self, device: ImplantedDevice, evidence: str) -> Finding:
        site = (Site(region=device.region, laterality=device.laterality),)
        if device.kind in _HARDWARE:
            return self._finding(
                Action.MONITOR,
                "Orthopaedic hardware: follow the surgeon's movement precautions for "
                "positioning and stretching.",
                severity=Severity.INFORMATION,
                regions=site,
                evidence=(evidence,),
            )
        return self._finding(
            Action.AVOID_REGION,
            "Implanted device: no pressure, friction or sustained hold over the device site.",
            regions=site,
            max_grade=PressureGrade.LIGHT_LOTIONING,
            evidence=(evidence,),
        )


_CODED_KIND: Final[Mapping[str, DeviceKind]] = {
    "Z95.0": DeviceKind.PACEMAKER,
    "Z95.810": DeviceKind.DEFIBRILLATOR,
    "Z95.828": DeviceKind.VENOUS_PORT,
    "Z45.2": DeviceKind.VENOUS_PORT,
    "Z96.41": DeviceKind.INSULIN_PUMP,
    "Z96.82": DeviceKind.NEUROSTIMULATOR,
    "Z45.42": DeviceKind.NEUROSTIMULATOR,
}

IMPLANTED_DEVICE: Final = ImplantedDeviceRule(
    id="core.implanted_device",
    title="Implanted devices and ports",
    severity=Severity.LOCAL,
    source="Salvo, Mosby's Pathology for Massage Therapists, 4th ed. (Elsevier), "
    f"medical technology (pacemakers, devices); {WALTON}, cancer chapter (ports and "
    f"lines); {NCCIH}; grade limit: medmassage's convention",
    evidence_level=EvidenceLevel.TEXTBOOK,
    triggers=_t(DEVICE_CODES, devices=_LOCAL_DEVICES | _HARDWARE),
)
