"""``medmassage screen``: screen a patient and plan (and a session) for contraindications.

FILE is a JSON object with ``schema_version``, ``patient``, ``plan`` and optionally
``session`` and ``practitioner``, or a whole case document (``sessions`` and
``practitioners``; pick a session with ``--session``).

Exit status: 0 clear or modify, 1 defer, 3 indeterminate, 2 unusable input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from ._io import InputError, fail, read

HELP = "screen a patient and treatment plan (and optionally a session) for contraindications"

_EXIT = {"clear": 0, "modify": 0, "defer": 1, "indeterminate": 3}


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument(
        "file", metavar="FILE", help="JSON with patient, plan and optional session ('-': stdin)"
    )
    parser.add_argument("--json", action="store_true", help="print the assessment as JSON")
    parser.add_argument(
        "--on", metavar="DATE", help="screening date, YYYY-MM-DD (default: session date or today)"
    )
    parser.add_argument("--session", metavar="ID", help="in a case file, the session to screen")


def _read(path: str) -> dict[str, Any]:
    raw = read(path)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object")
    return data


def _load(path: str, session_id: str | None) -> tuple[Any, Any, Any, Any]:
    """Return (patient, plan, session or None, practitioner or None)."""
    from ..cases import Case
    from ..exceptions import MedmassageError
    from ..serialization import from_dict

    data = _read(path)
    if "session" in data or "practitioner" in data:
        doc = {k: v for k, v in data.items() if k not in ("session", "practitioner")}
        doc["sessions"] = [data["session"]] if data.get("session") is not None else []
        doc["practitioners"] = [data["practitioner"]] if data.get("practitioner") else []
        single = data.get("session") is not None
    else:
        doc = data
        single = False
    try:
        case = from_dict(Case, doc)
    except MedmassageError as exc:
        raise InputError(f"{path}: {exc}") from None
    session = None
    if session_id is not None:
        session = next((s for s in case.sessions if s.id == session_id), None)
        if session is None:
            raise InputError(f"{path}: no session with id {session_id!r}")
    elif single:
        session = case.sessions[0]
    who = session.practitioner_id if session is not None else case.plan.practitioner_id
    return case.patient, case.plan, session, case.practitioner(who)


def render(assessment: Any, patient_id: str, plan_id: str, session_id: str | None) -> str:
    """Return a readable report of an assessment (no identifying data)."""
    what = f"patient {patient_id}, plan {plan_id}" + (
        f", session {session_id}" if session_id else ""
    )
    lines = [f"screening {what} on {assessment.on}: {assessment.status.value.upper()}"]
    if not assessment.findings:
        lines.append("  no findings")
    for f in assessment.findings:
        where = ", ".join(str(s) for s in f.regions) or "whole body"
        limits = []
        if f.max_grade is not None:
            limits.append(f"Walton grade <= {int(f.max_grade)}")
        if f.max_pressure is not None:
            limits.append(f"pressure <= {f.max_pressure}")
        scope = sorted(f.modalities | f.tags)
        lines.append(
            f"  {f.severity.value.upper():<11} {f.rule_id}: {f.action.value} ({where})"
            + (f" [{'; '.join(limits)}]" if limits else "")
            + (f" for {', '.join(scope)}" if scope else "")
        )
        lines.append(f"      {f.rationale}")
        if f.evidence:
            lines.append(f"      evidence: {', '.join(f.evidence)}")
        if f.reclassified_from is not None:
            lines.append(f"      (reclassified by policy from {f.reclassified_from.value})")
        lines.append(f"      source: {f.source}")
    if assessment.plan_conflicts:
        lines.append(f"plan conflicts ({len(assessment.plan_conflicts)}): change these techniques")
        lines.extend(f"  {c}" for c in assessment.plan_conflicts)
    if assessment.violations:
        lines.append(f"violations ({len(assessment.violations)}):")
        lines.extend(f"  {v}" for v in assessment.violations)
    if assessment.failures:
        lines.append(f"failures ({len(assessment.failures)}): the result is not trustworthy")
        lines.extend(f"  {x}" for x in assessment.failures)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Screen the file; the exit status reflects the assessment's status."""
    from ..screening import screen

    on = None
    if args.on is not None:
        try:
            on = dt.date.fromisoformat(args.on)
        except ValueError:
            return fail(f"--on {args.on!r}: expected a date YYYY-MM-DD")
    try:
        patient, plan, session, practitioner = _load(args.file, args.session)
    except InputError as exc:
        return fail(str(exc))
    result = screen(patient, plan, session=session, on=on, practitioner=practitioner)
    if args.json:
        data = result.to_dict()
        data = {"patient_id": patient.id, "plan_id": plan.id,
                "session_id": session.id if session else None, **data}  # fmt: skip
        print(json.dumps(data, indent=2))
    else:
        print(render(result, patient.id, plan.id, session.id if session else None))
    return _EXIT[result.status.value]
