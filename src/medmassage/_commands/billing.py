"""``medmassage billing``: units per CPT code for a session, and its coding edits."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ._io import InputError, fail, load_sessions

if TYPE_CHECKING:
    from ..billing import SessionBill

HELP = (
    "print the timed units per CPT code for a session or each session of a case "
    "(8-minute rule by default)"
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add this command's arguments."""
    parser.add_argument(
        "file", metavar="FILE", help="a Session or Case JSON document ('-' for stdin)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--policy",
        default="cms",
        metavar="NAME",
        help="billing policy: cms (default), per_code, or an installed plugin's name",
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="MODALITY=CPT",
        help="bill a modality under another CPT code (CPT 'none' for not billed); repeatable",
    )
    parser.add_argument(
        "--dx",
        action="append",
        default=[],
        metavar="ICD10CM",
        help="a diagnosis code to be claimed; checked for billability (repeatable)",
    )


def _mapping(items: list[str]) -> dict[str, str | None]:
    mapping: dict[str, str | None] = {}
    for item in items:
        modality, sep, cpt = item.partition("=")
        if not sep or not modality.strip() or not cpt.strip():
            raise InputError(f"--map {item!r}: expected MODALITY=CPT, e.g. core.deep_tissue=97140")
        value = cpt.strip()
        mapping[modality.strip()] = None if value.lower() == "none" else value
    return mapping


def render(bill: SessionBill) -> str:
    """Return a readable table of a `medmassage.billing.SessionBill`."""
    from ..billing import get_billing_policy
    from ..cpt import CPT_CODES

    policy = get_billing_policy(bill.policy)
    description = getattr(policy, "description", "")
    lines = [
        f"session {bill.session_id}: policy {bill.policy}"
        + (f" ({description})" if description else "")
    ]
    if not bill.units:
        lines.append("  no timed minutes to bill")
    else:
        lines.append(f"  {'CPT':<7}{'minutes':>9}{'units':>7}  title")
        for code, units in bill.units.items():
            known = CPT_CODES.get(code)
            text = known.title if known is not None else ""
            minutes = bill.minutes[code].minutes
            lines.append(f"  {code:<7}{minutes:>9g}{units:>7}  {text}")
        total_minutes = sum(d.minutes for d in bill.minutes.values())
        lines.append(f"  {'total':<7}{total_minutes:>9g}{bill.total_units:>7}")
    if bill.edits:
        lines.append(f"coding edits ({len(bill.edits)}):")
        lines.extend(f"  - {edit}" for edit in bill.edits)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the session's units; exit 0, or 2 on bad input."""
    from ..billing import bill_session
    from ..exceptions import MedmassageError

    try:
        mapping = _mapping(args.map)
        sessions, plan_diagnoses = load_sessions(args.file)
    except InputError as exc:
        return fail(str(exc))
    diagnoses = args.dx or plan_diagnoses
    try:
        bills = [
            bill_session(s, policy=args.policy, mapping=mapping or None, diagnoses=diagnoses)
            for s in sessions
        ]
    except MedmassageError as exc:
        return fail(f"{args.file}: {exc}")
    if args.json:
        docs = [b.to_dict() for b in bills]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(render(b) for b in bills))
    return 0
