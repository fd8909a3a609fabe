"""``medmassage screen``: screen a patient and plan (and a session) for contraindications.

FILE is a JSON object with ``schema_version``, ``patient``, ``plan`` and optionally
``session`` and ``practitioner``, or a whole case document (``sessions`` and
``practitioners``; pick a session with ``--session``).

Exit status: 0 clear or modify, 1 defer, 3 indeterminate, 2 unusable input (see
``--help`` for all).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import Problem
from ._io import (
    EXIT_USAGE,
    InputError,
    epilog,
    fail,
    load_document,
    parse_date,
    refuse_other_kind,
)

if TYPE_CHECKING:
    from ..cases import Case
    from ..sessions import Session

HELP = "screen a patient and treatment plan (and optionally a session) for contraindications"

EPILOG = epilog(
    {
        0: "clear or modify (treat, with the modifications listed)",
        1: "defer: do not treat now",
        3: "indeterminate: screening could not give a trustworthy answer",
        EXIT_USAGE: "unusable input or usage; nothing was screened",
    }
)

_EXIT = {"clear": 0, "modify": 0, "defer": 1, "indeterminate": 3}


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument(
        "file", metavar="FILE", help="JSON with patient, plan and optional session ('-': stdin)"
    )
    parser.add_argument("--json", action="store_true", help="print the assessment as JSON")
    parser.add_argument(
        "--on",
        metavar="DATE",
        help="screening date, YYYY-MM-DD (default: the session's date, else the latest "
        "session's, else the plan's start; never today)",
    )
    parser.add_argument("--session", metavar="ID", help="in a case file, the session to screen")


# A single session and practitioner, as the screen document holds them, and where
# they sit in the case it is read as (to report problems where the user wrote them).
_SINGLE: Final = (("session", "sessions"), ("practitioner", "practitioners"))

# The kinds of document this command reads (see `._kinds`), and how a message says so.
_KINDS: Final = ("Case", "screening")
_NEEDS: Final = "a Case, or a patient and plan with at most one session"


def _load(path: str, session_id: str | None) -> tuple[Case, Session | None]:
    """Return the case and the session to screen (or None)."""
    from ..cases import Case
    from ..exceptions import MedmassageError, ValidationError
    from ..serialization import from_dict

    data = load_document(path, accepts=_KINDS, what=_NEEDS)
    doc = dict(data)
    single = False
    for one, many in _SINGLE:
        if one not in data:
            continue
        if many in data:
            raise InputError(f"{path}: has both {one!r} and {many!r}; give one of them")
        value = doc.pop(one)
        doc[many] = [] if value is None else [value]
        single = single or (one == "session" and value is not None)
    try:
        case = from_dict(Case, doc)
    except ValidationError as exc:
        refuse_other_kind(path, data, _KINDS, _NEEDS)
        if any(one in data for one, _ in _SINGLE):
            exc = ValidationError([_located(p) for p in exc.problems], exc.model)
        raise InputError(f"{path}: {exc}") from None
    except MedmassageError as exc:
        refuse_other_kind(path, data, _KINDS, _NEEDS)
        raise InputError(f"{path}: {exc}") from None
    session = None
    if session_id is not None:
        session = next((s for s in case.sessions if s.id == session_id), None)
        if session is None:
            raise InputError(f"{path}: no session with id {session_id!r}")
    elif single:
        session = case.sessions[0]
    return case, session


def _located(problem: Problem) -> Problem:
    """Put a problem of ``sessions[0]`` back at ``session``, where the file has it."""
    for one, many in _SINGLE:
        prefix = f"{many}[0]"
        if problem.path == prefix or problem.path.startswith((prefix + ".", prefix + "[")):
            return Problem(one + problem.path[len(prefix) :], problem.message, problem.code)
        if problem.path == many:
            return Problem(one, problem.message, problem.code)
    return problem


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
        level = f" (evidence: {f.evidence_level.value})" if f.evidence_level is not None else ""
        lines.append(f"      source: {f.source}{level}")
    if assessment.plan_conflicts:
        # A do-not-treat finding is not fixed by changing a technique: say so.
        advice = "do not give them" if assessment.status.value == "defer" else "change them"
        lines.append(
            f"plan conflicts ({len(assessment.plan_conflicts)}): planned techniques that "
            f"break a finding; {advice}"
        )
        lines.extend(f"  {c}" for c in assessment.plan_conflicts)
    if assessment.violations:
        lines.append(f"violations ({len(assessment.violations)}):")
        lines.extend(f"  {v}" for v in assessment.violations)
    if assessment.techniques and any(t.status.value != "clear" for t in assessment.techniques):
        lines.append("techniques:")
        lines.extend(f"  {t}" for t in assessment.techniques)
    elif assessment.techniques:
        n = len(assessment.techniques)
        which = "the planned technique is" if n == 1 else f"all {n} planned techniques are"
        lines.append(f"techniques: {which} clear (within every finding's limits)")
    if assessment.failures:
        lines.append(f"failures ({len(assessment.failures)}): the result is not trustworthy")
        lines.extend(f"  {x}" for x in assessment.failures)
    if assessment.advisories:
        lines.append(f"advisories ({len(assessment.advisories)}):")
        lines.extend(f"  {a}" for a in assessment.advisories)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Screen the file; the exit status reflects the assessment's status."""
    from ..exceptions import MedmassageError
    from ..screening import screen

    try:
        on = None if args.on is None else parse_date("--on", args.on)
        case, session = _load(args.file, args.session)
    except InputError as exc:
        return fail(str(exc))
    patient, plan = case.patient, case.plan
    try:
        result = screen(case, session=session, on=on)
    except MedmassageError as exc:  # fail closed: no answer is not a clear answer
        print(f"medmassage: {args.file}: screening could not be run: {exc}", file=sys.stderr)
        return _EXIT["indeterminate"]
    if args.json:
        data = result.to_dict()
        data = {"patient_id": patient.id, "plan_id": plan.id,
                "session_id": session.id if session else None, **data}  # fmt: skip
        print(json.dumps(data, indent=2))
    else:
        print(render(result, patient.id, plan.id, session.id if session else None))
    return _EXIT[result.status.value]
