"""``medmassage billing``: units per CPT code for a session, and its coding edits."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ..exceptions import Problem
from ._io import InputError, epilog, fail, load_sessions, shown
from ._kinds import command

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..billing import SessionBill
    from ..sessions import Session

HELP = (
    "print the timed units per CPT code for a session or each session of a case "
    "(8-minute rule by default)"
)

EPILOG = epilog({})


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
    """Parse the ``--map`` values, checking each key's and code's form.

    Raises:
        InputError: Naming the flag and its value.
    """
    from ..cpt import check_cpt_format
    from ..exceptions import ValidationError
    from ..modalities import check_key

    mapping: dict[str, str | None] = {}
    for item in items:
        modality, sep, cpt = (part.strip() for part in item.partition("="))
        if not sep or not modality or not cpt:
            raise InputError(
                f"--map {shown(item)}: expected MODALITY=CPT, e.g. core.deep_tissue=97140"
            )
        problems: list[Problem] = []
        check_key(problems, "", modality)
        if problems:
            raise InputError(
                f"--map {shown(item)}: {shown(modality)} is not a modality key "
                "(such as core.deep_tissue)"
            )
        code: str | None = None
        if cpt.lower() != "none":
            try:
                code = check_cpt_format(cpt)
            except ValidationError:
                raise InputError(
                    f"--map {shown(item)}: expected a five-character CPT code such as 97140, "
                    "or none"
                ) from None
        if modality in mapping and mapping[modality] != code:
            raise InputError(
                f"--map {shown(item)}: {shown(modality)} is already mapped to "
                f"{mapping[modality] or 'none'}; give one --map for each modality"
            )
        mapping[modality] = code
    return mapping


def _check_mapped(mapping: dict[str, str | None], sessions: list[Session]) -> None:
    """Refuse a ``--map`` of a modality no session uses and no installed modality has.

    Such a mapping would be silently ignored, and its time billed under the
    default code: most likely a misspelt key.
    """
    from ..plugins import get_default_registry

    used = {segment.modality for s in sessions for segment in s.segments}
    known = set(get_default_registry().modalities)
    for key in mapping:
        if key not in used and key not in known:
            raise InputError(
                f"--map {shown(key)}={mapping[key] or 'none'}: no session uses modality "
                f"{shown(key)} and no installed modality has that key"
            )


def _check_diagnoses(codes: list[str]) -> None:
    from ..codes import is_icd10cm_format

    for code in codes:
        if not is_icd10cm_format(code):
            raise InputError(f"--dx {shown(code)}: expected an ICD-10-CM code such as M54.50")


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


def bill_all(
    sessions: Sequence[Session],
    *,
    policy: str = "cms",
    mapping: Mapping[str, str | None] | None = None,
    diagnoses: Sequence[str] = (),
    file: str,
) -> list[SessionBill]:
    """Bill each of *sessions* (read from *file*); used by this command and by ``demo``.

    Raises:
        InputError: Naming *file*, if a session cannot be billed (a modality
            without a default CPT code says how to map it).
    """
    from ..billing import bill_session
    from ..exceptions import MedmassageError, UnknownCodeError

    try:
        return [
            bill_session(s, policy=policy, mapping=mapping, diagnoses=diagnoses) for s in sessions
        ]
    except UnknownCodeError as exc:
        if exc.system == "modality CPT mapping":
            how = f"--map {exc.code}=CPT, or --map {exc.code}=none if it is not billed"
            if command.get() != "billing":  # only `billing` has the flag
                how = (
                    f"`medmassage billing {shown(file)} --map {exc.code}=CPT` "
                    f"(CPT none if it is not billed)"
                )
            raise InputError(
                f"{file}: modality {exc.code} has no default CPT code; bill it with {how}"
            ) from None
        raise InputError(f"{file}: {exc}") from None
    except MedmassageError as exc:
        raise InputError(f"{file}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    """Print the session's units; exit 0, or 2 on bad input."""
    from ..billing import get_billing_policy
    from ..exceptions import MedmassageError

    try:
        mapping = _mapping(args.map)
        _check_diagnoses(args.dx)
        try:
            get_billing_policy(args.policy)
        except MedmassageError as exc:
            raise InputError(f"--policy {shown(args.policy)}: {exc}") from None
        sessions, plan_diagnoses = load_sessions(args.file)
        _check_mapped(mapping, sessions)
    except InputError as exc:
        return fail(str(exc))
    try:
        bills = bill_all(
            sessions,
            policy=args.policy,
            mapping=mapping or None,
            diagnoses=args.dx or plan_diagnoses,
            file=args.file,
        )
    except InputError as exc:
        return fail(str(exc))
    if args.json:
        docs = [b.to_dict() for b in bills]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(render(b) for b in bills))
    return 0
