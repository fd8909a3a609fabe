"""``medmassage demo``: run the whole course of care on example cases.

For every case file of DIR (default: the cases bundled in the package, the same
as ``examples/*.json`` of a checkout, so the demo runs from an installed wheel
too) it does what a clinic system would: validate (`medmassage.check`), screen
the plan and each session (`medmassage.screen`, on the dates
`medmassage.screening.screening_date` derives), score the outcome measures
against their MCIDs (`medmassage.progress.track`), bill each session's units
(`medmassage.billing.bill_session`, CMS 8-minute rule), and write the progress
report (HTML) and the FHIR R4 bundle into OUTDIR. It prints what each step
found and where the files went. Patients are named by id only, in the output
and in the files.

Billing fails closed: a session is billed only if it took place and its own
screening is clear or modify; a deferred or indeterminate screening is never
billed as if clear.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ._io import (
    EXIT_IOERR,
    EXIT_USAGE,
    InputError,
    OutputError,
    UnreadableError,
    epilog,
    fail,
    load,
    shown,
    write_output,
)

if TYPE_CHECKING:
    from ..cases import Case
    from ..contraindications import Assessment
    from ..plugins import Registry

HELP = (
    "run the whole course of care on example cases: validate, screen, score outcomes, "
    "bill, and write each case's progress report and FHIR bundle"
)

#: Where the files go unless ``-o`` says otherwise (relative to the working folder).
DEFAULT_OUTDIR: Final = "medmassage-demo"

#: The billing policy of the demo (the default of ``medmassage billing``).
POLICY: Final = "cms"

EPILOG = (
    "DIR holds case JSON files (*.json); without DIR, the cases bundled with medmassage\n"
    "(a lumbar disc herniation, post-mastectomy lymphoedema treated with manual lymphatic\n"
    "drainage, and an acute DVT found at intake, which screening defers) are used.\n"
    f"OUTDIR (default ./{DEFAULT_OUTDIR}/) is created if missing; each case writes\n"
    "NAME.report.html and NAME.fhir.json there, each atomically (an existing file of that\n"
    "name is replaced, nothing else in OUTDIR is touched). Each case file is read as\n"
    "every command reads FILE (UTF-8, or UTF-16 or UTF-32 with a byte order mark; the\n"
    "same size and nesting limits; a document of another kind is named).\n\n"
    + epilog(
        {
            0: "every case went through every step (a deferred case is a correct outcome: "
            "it is reported, not treated and not billed)",
            1: "some case is invalid, has error-level findings (a session that breaks a "
            "screening finding, an unscorable measure) or its screening is indeterminate; "
            "the other cases are still run",
            EXIT_USAGE: "DIR has no JSON file or cannot be read, or OUTDIR is not a folder",
            EXIT_IOERR: "a file in OUTDIR could not be written",
        },
        reads=False,
    )
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument(
        "dir", nargs="?", metavar="DIR", help="folder of case JSON files (default: bundled cases)"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTDIR",
        default=DEFAULT_OUTDIR,
        help=f"folder for the reports and bundles (default: ./{DEFAULT_OUTDIR}/)",
    )


def bundled_cases() -> list[str]:
    """The paths of the case files bundled with the package, in name order."""
    folder = resources.files("medmassage").joinpath("_examples")
    return sorted(str(f) for f in folder.iterdir() if f.name.endswith(".json"))


def _case_files(folder: str | None) -> list[str]:
    if folder is None:
        return bundled_cases()
    path = Path(folder)
    if not path.is_dir():
        raise InputError(f"{shown(folder)}: expected a folder of case JSON files")
    try:
        files = sorted(str(f) for f in path.glob("*.json"))
    except OSError as exc:
        raise InputError(f"{shown(folder)}: cannot read folder ({exc.strerror})") from None
    if not files:
        raise InputError(f"{shown(folder)}: no JSON files found")
    return files


#: Suffixes of the files the demo writes: ``-o`` names a folder, so a new folder with one
#: of these names is a mistaken file name, refused rather than created.
_FILE_SUFFIXES: Final = frozenset({".html", ".htm", ".pdf", ".json"})


def _outdir(path: str) -> Path:
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise InputError(f"-o {shown(path)}: exists and is not a folder")
    if not out.exists() and out.suffix.lower() in _FILE_SUFFIXES:
        raise InputError(
            f"-o {shown(path)}: the demo writes a folder of reports and bundles; "
            f"give a folder name (not a {out.suffix} file name)"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create folder ({exc.strerror})") from None
    return out


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _indent(text: str, by: str = "     ") -> str:
    return "\n".join(by + line if line else line for line in text.splitlines())


class _CaseRun:
    """The course of care of one case, printed step by step."""

    def __init__(self, path: str, case: Case, outdir: Path, registry: Registry) -> None:
        self.path = path
        self.case = case
        self.outdir = outdir
        self.registry = registry
        self.ok = True
        self.plan_result: Assessment | None = None
        self.session_results: dict[str, Assessment | None] = {}
        self.units = 0

    def validate(self) -> None:
        from ..advisories import AdvisoryLevel
        from ..checks import check
        from ..exceptions import MedmassageError

        try:
            advisories = check(self.case, registry=self.registry)
        except MedmassageError as exc:
            self.ok = False
            print(f"  1. validate: INVALID\n{_indent(str(exc))}")
            return
        errors = [a for a in advisories if a.level is AdvisoryLevel.ERROR]
        if errors:
            self.ok = False
        verdict = f"ERRORS ({len(errors)} error-level)" if errors else "OK"
        print(f"  1. validate: {verdict}, {_count(len(advisories), 'advisory', 'advisories')}")
        for a in advisories:
            print(f"       - {a}")

    def screen(self) -> None:
        from ..exceptions import MedmassageError
        from ..screening import screen
        from ..sessions import SessionStatus
        from .screen import render

        case = self.case
        try:
            self.plan_result = screen(case, registry=self.registry)
        except MedmassageError as exc:
            self.ok = False
            print(
                f"  2. screen plan {case.plan.id}: INDETERMINATE (screening could not be run: "
                f"{type(exc).__name__}); do not treat on its strength"
            )
        else:
            asof = "as of the latest session, else the plan's start"
            print(f"  2. screen plan {case.plan.id} ({asof}):")
            print(_indent(render(self.plan_result, case.patient.id, case.plan.id, None)))
            if self.plan_result.status.value == "indeterminate":
                self.ok = False
        for s in case.sessions:
            when = s.start.date()
            if s.status is not SessionStatus.COMPLETED:
                print(
                    f"     session {s.id} on {when}: {s.status.value}, not screened (no treatment)"
                )
                continue
            try:
                result = screen(case, session=s, registry=self.registry)
            except MedmassageError as exc:
                self.ok = False
                self.session_results[s.id] = None
                print(f"     session {s.id} on {when}: INDETERMINATE ({type(exc).__name__})")
                continue
            self.session_results[s.id] = result
            status = result.status.value
            print(
                f"     session {s.id} on {result.on}: {status.upper()}, "
                f"{len(result.violations)} violation(s)"
            )
            for v in result.violations:
                print(f"       - {v}")
            if status == "indeterminate":
                self.ok = False

    def outcomes(self) -> None:
        from ..exceptions import MedmassageError
        from ..progress import track
        from ..report._wording import (
            change_text,
            goal_sentence,
            mcid_status,
            mcid_text,
            series_notes,
        )

        try:
            progress = track(self.case.plan, self.case.sessions, registry=self.registry)
        except MedmassageError as exc:
            self.ok = False
            print(f"  3. outcomes: could not be scored ({exc})")
            return
        print(f"  3. outcomes as of {progress.as_of}:")
        if not progress.series:
            print("     no outcome measure scored (no completed session measured one)")
        for series in progress.series:
            fmt = series.instrument.format_value
            change = series.change
            if change is None:
                mcid = ""
            elif change.mcid is None:
                mcid = "; no MCID published"
            else:
                mcid = f"; MCID {mcid_text(change.mcid)}: {mcid_status(series)}"
            print(
                f"     - {series.label}: {fmt(series.baseline.value)} -> "
                f"{fmt(series.latest.value)}: {change_text(series)}{mcid}; "
                f"trend {series.trend.label}"
            )
            notes = series_notes(series)
            if notes:
                print(f"         note: {notes}")
        for u in progress.unscored:
            self.ok = False
            print(f"     - {u.instrument} at {u.session_id}: NOT SCORED ({u.reason})")
        if progress.goals:
            print("     goals:")
        for g in progress.goals:  # by id: the goal's free-text wording stays out
            print(f"       {goal_sentence(g, notes=False)}")

    def billing(self) -> None:
        from ..billing import get_billing_policy
        from ..sessions import SessionStatus
        from .billing import bill_all, render

        policy = get_billing_policy(POLICY, registry=self.registry)
        description = getattr(policy, "description", "")
        print(f"  4. billing (policy {POLICY}" + (f": {description}" if description else "") + "):")
        diagnoses = [d.code for d in self.case.plan.diagnoses]
        for s in self.case.sessions:
            result = self.session_results.get(s.id)
            if s.status is not SessionStatus.COMPLETED:
                print(f"     session {s.id}: NOT BILLED ({s.status.value}: no treatment given)")
                continue
            if result is None or result.status.value in ("defer", "indeterminate"):
                why = "indeterminate" if result is None else result.status.value
                print(f"     session {s.id}: NOT BILLED (its screening is {why})")
                continue
            try:
                (bill,) = bill_all([s], policy=POLICY, diagnoses=diagnoses, file=self.path)
            except InputError as exc:
                self.ok = False
                print(f"     session {s.id}: NOT BILLED ({exc})")
                continue
            self.units += bill.total_units
            # The policy is named once, in the step's heading.
            _, table = render(bill).split("\n", 1)
            print(f"     session {s.id}:\n{_indent(table)}")
        if self.plan_result is not None and self.plan_result.status.value == "defer":
            print("     treatment deferred by screening: no further session to bill")
        print(f"     total: {self.units} units")

    def files(self) -> None:
        from ..fhir import case_bundle
        from ..report import render_html
        from .report import build

        stem = Path(self.path).stem
        report_path = self.outdir / f"{stem}.report.html"
        bundle_path = self.outdir / f"{stem}.fhir.json"
        report = build(self.case, registry=self.registry)
        write_output(str(report_path), render_html(report))
        bundle = case_bundle(self.case, assessment=self.plan_result, registry=self.registry)
        write_output(str(bundle_path), json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
        entries = bundle.get("entry")
        count = len(entries) if isinstance(entries, list) else 0
        print("  5. files:")
        print(f"     progress report (HTML): {report_path}")
        print(f"     FHIR R4 bundle ({count} resources): {bundle_path}")

    def outcome(self) -> str:
        """One line: what happened to this case."""
        result = self.plan_result
        if result is None or result.status.value == "indeterminate":
            return "INDETERMINATE screening: do not rely on it; not billed"
        status = result.status.value
        if status == "defer":
            rules = ", ".join(
                dict.fromkeys(f.rule_id for f in result.findings if f.action.value == "defer")
            )
            done = f"{self.units} units billed before" if self.units else "not treated, not billed"
            return f"DEFERRED: do not treat ({rules or 'see screening'}); {done}"
        return f"{status.upper()}: treated, {self.units} units billed"


def _run_case(path: str, outdir: Path, registry: Registry) -> tuple[bool, str]:
    """Run one case; return whether it went through every step, and its outcome line."""
    from ..cases import Case
    from ..exceptions import MedmassageError

    try:
        case = load(Case, path)
    except UnreadableError as exc:
        print(f"  cannot read: {exc}")
        return False, "UNREADABLE"
    except InputError as exc:
        print(f"  1. validate: INVALID\n{_indent(str(exc))}")
        return False, "INVALID: not run"
    print(f"  patient {case.patient.id}, plan {case.plan.id}, {len(case.sessions)} session(s)")
    run = _CaseRun(path, case, outdir, registry)
    run.validate()
    run.screen()
    run.outcomes()
    run.billing()
    try:
        run.files()
    except MedmassageError as exc:
        run.ok = False
        print(f"  5. files: NOT WRITTEN ({exc})")
    return run.ok, run.outcome()


def run(args: argparse.Namespace) -> int:
    """Run the demo; see the epilog for the exit statuses."""
    from ..plugins import get_default_registry

    try:
        files = _case_files(args.dir)
        outdir = _outdir(args.output)
    except InputError as exc:
        return fail(str(exc))
    except OutputError as exc:
        print(f"medmassage: {exc}", file=sys.stderr)
        return EXIT_IOERR
    registry = get_default_registry()
    source = "bundled cases" if args.dir is None else f"cases in {args.dir}"
    print(f"medmassage demo: {len(files)} {source}; files go to {outdir}{os.sep}")
    outcomes: list[tuple[str, str]] = []
    failed = False
    for path in files:
        print(f"\n== {Path(path).name} ==")
        try:
            ok, outcome = _run_case(path, outdir, registry)
        except OutputError as exc:
            print(f"medmassage: {exc}", file=sys.stderr)
            return EXIT_IOERR
        failed = failed or not ok
        outcomes.append((Path(path).stem, outcome))
    print("\nsummary:")
    width = max(len(name) for name, _ in outcomes)
    for name, outcome in outcomes:
        print(f"  {name:<{width}}  {outcome}")
    return 1 if failed else 0
