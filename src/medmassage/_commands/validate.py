"""``medmassage validate``: validate case files and summarise them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ._io import EXIT_USAGE, InputError, UnreadableError, epilog, fail, load

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..advisories import Advisory
    from ..cases import Case
    from ..diagnosis import Diagnosis

HELP = "validate case files (or every *.json in a folder) and print a readable summary"

EPILOG = epilog(
    {
        1: "some file is invalid (listed as INVALID with its problems) or has error-level "
        "findings (listed as ERRORS: an outcome measure that cannot be scored, a screening "
        "that could not be completed)",
        EXIT_USAGE: "no JSON file found, or a file could not be read at all (missing, "
        "no permission)",
    }
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="case JSON files or folders")
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="one line per file and the totals, without the record summaries",
    )


def _files(paths: list[str]) -> list[str]:
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.glob("*.json")))
        else:
            out.append(p)
    return out


def _diagnosis(d: Diagnosis) -> str:
    if d.region is None:
        return d.code
    site = ", ".join(x.value for x in (d.region, d.laterality) if x is not None)
    return f"{d.code} ({site})"


def summarise(case: Case, advisories: Sequence[Advisory] | None = None) -> str:
    """Return a readable, identity-free summary of a case.

    Args:
        case: The case.
        advisories: Its advisories, if already computed (default: `medmassage.check`).
    """
    from ..checks import check

    plan = case.plan
    lines = [
        f"patient {case.patient.id} (age {case.patient.age_on(plan.start_date)}, "
        f"{case.patient.sex.value})",
        "  diagnoses: " + ", ".join(_diagnosis(d) for d in plan.diagnoses),
    ]
    if plan.referral is not None:
        r = plan.referral
        lines.append(
            f"  referral {r.id}: {r.referrer.role.value}, referred {r.referred_on}, "
            f"{r.frequency_per_week or '?'}x/week for {r.duration_weeks or '?'} weeks, "
            f"{r.visits_authorized if r.visits_authorized is not None else 'no'} visits authorized"
        )
    lines.append(
        f"  plan {plan.id} ({plan.status.value}): {plan.sessions_per_week}x/week for "
        f"{plan.duration_weeks} weeks from {plan.start_date} to {plan.end_date}, "
        f"{plan.session_length} sessions"
    )
    for t in plan.techniques:
        side = f" {t.laterality.value}" if t.laterality else ""
        lines.append(
            f"    - {t.modality} on{side} {t.region.value}: {t.duration}, "
            f"Walton grade {int(t.min_grade)}-{int(t.max_grade)}"
        )
    for g in plan.goals:
        lines.append(f"    goal {g.id}: {g.instrument} {g.comparator.value} {g.target:g}")
    minutes: dict[str, float] = {}
    for s in case.sessions:
        for seg in s.segments:
            minutes[seg.modality] = minutes.get(seg.modality, 0.0) + seg.duration.minutes
    attended = sum(1 for s in case.sessions if s.status.value == "completed")
    lines.append(f"  sessions: {attended} attended of {plan.planned_sessions} planned")
    for s in case.sessions:
        outcomes = ", ".join(o.instrument for o in s.outcomes) or "none"
        reactions = ", ".join(r.kind.value for r in s.adverse_reactions) or "none"
        lines.append(
            f"    - {s.id} {s.start.isoformat(timespec='minutes')} {s.status.value}: "
            f"{s.treatment_minutes:g} of {s.duration.minutes:g} min treated, "
            f"outcomes: {outcomes}; reactions: {reactions}; "
            f"{'signed' if s.signed else 'unsigned'}"
        )
    lines.append(
        "  minutes by modality: "
        + (", ".join(f"{k} {v:g}" for k, v in sorted(minutes.items())) or "none")
    )
    if advisories is None:
        advisories = check(case)
    lines.append(f"  advisories: {len(advisories)}")
    lines.extend(f"    - {a}" for a in advisories)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Validate each file; exit 0 when all are valid, 1 if one is invalid, 2 if one is unreadable.

    A file that cannot be read at all (missing, a folder, no permission) is
    reported on standard error and makes the status 2; the others are still
    validated.
    """
    from ..cases import Case

    files = _files(args.paths)
    if not files:
        return fail("no JSON files found")
    bad = unreadable = 0
    for f in files:
        try:
            case = load(Case, f)
        except UnreadableError as exc:
            unreadable += 1
            fail(str(exc))
            continue
        except InputError as exc:
            bad += 1
            print(f"INVALID {exc}")
            continue
        from ..advisories import AdvisoryLevel
        from ..checks import check

        advisories = check(case)
        errors = [a for a in advisories if a.level is AdvisoryLevel.ERROR]
        if errors:
            # Valid as data, unusable as it stands (an unscorable measure, a screening
            # that could not be completed): not OK.
            bad += 1
            print(f"ERRORS {f}: {len(errors)} error-level finding(s)")
            if args.quiet:
                print("\n".join(f"    - {a}" for a in errors))
        else:
            print(f"OK {f}")
        if not args.quiet:
            print(summarise(case, advisories))
    valid = len(files) - bad - unreadable
    print(f"{valid} valid, {bad} invalid" + (f", {unreadable} unreadable" if unreadable else ""))
    if unreadable:
        return EXIT_USAGE
    return 1 if bad else 0
