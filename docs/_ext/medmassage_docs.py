"""Local Sphinx extension for the medmassage documentation.

What it does, each explained where it is done:

1. Generated pages. On ``builder-inited`` it writes the *clinical reference*
   (one page per built-in contraindication rule, outcome instrument and
   modality, plus an index table per kind), the table of the ``medmassage``
   facade and the command-line page, from the objects themselves, so they cannot
   drift from the code. Files are rewritten only when their text changes; a
   page whose object is gone is deleted.
2. Type hints. Names imported only under ``if TYPE_CHECKING:`` are bound for
   autodoc, and the annotations of hypothesis-wrapped strategies are evaluated
   in their own module, so annotations render as links.
3. References. ``medmassage.Diagnosis``-style references to the facade resolve
   to the objects' documented homes, and a few aliases (``dt.date``,
   ``st.SearchStrategy``, pint's ``Quantity``) to their intersphinx targets.
4. Completeness. Every public name (``__all__`` of every public module) must
   be documented: a missing one is a warning, an error under ``-W``. Enum
   members are documented with or without a docstring; private base classes
   are not shown.
5. Napoleon. ``"word: text"`` at the start of an attribute docstring is not
   read as an inline type: medmassage takes types from annotations only
   (PEP 526 annotations, which autodoc reads), and its attribute docstrings
   are prose.
"""

from __future__ import annotations

import ast
import enum
import functools
import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext.napoleon import docstring as napoleon_docstring
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

#: Public modules (each has a page under reference/api/).
PUBLIC_MODULES = (
    "medmassage.anatomy",
    "medmassage.patient",
    "medmassage.diagnosis",
    "medmassage.practitioners",
    "medmassage.modalities",
    "medmassage.plans",
    "medmassage.sessions",
    "medmassage.outcomes",
    "medmassage.cases",
    "medmassage.advisories",
    "medmassage.checks",
    "medmassage.units",
    "medmassage.codes",
    "medmassage.evidence",
    "medmassage.serialization",
    "medmassage.schemas",
    "medmassage.screening",
    "medmassage.contraindications",
    "medmassage.instruments",
    "medmassage.progress",
    "medmassage.report",
    "medmassage.fhir",
    "medmassage.arrow",
    "medmassage.cpt",
    "medmassage.billing",
    "medmassage.plan_of_care",
    "medmassage.plugins",
    "medmassage.batch",
    "medmassage.dask",
    "medmassage.exceptions",
    "medmassage.testing",
    "medmassage.testing.plugins",
    "medmassage.testing.strategies",
    "medmassage.cli",
)

#: Names in type hints or docstrings that are written through a module alias or
#: resolve to a private class, and the documented target they stand for.
ALIASES = {
    "dt": "datetime",
    "st": "hypothesis.strategies",
    "pint.registry.Quantity": "pint.Quantity",
    "Quantity": "pint.Quantity",
}


# -- 2. TYPE_CHECKING imports ------------------------------------------------------


def _type_checking_imports(module: Any) -> None:
    """Bind the names *module* imports only for type checkers, if still unbound."""
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return
    tree = ast.parse(source)
    for node in tree.body:
        if not (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)):
            continue
        for stmt in node.body:
            if not isinstance(stmt, ast.Import | ast.ImportFrom):
                continue
            namespace: dict[str, Any] = {
                "__name__": module.__name__,
                "__package__": module.__package__,
            }
            code = compile(ast.Module(body=[stmt], type_ignores=[]), module.__name__, "exec")
            exec(code, namespace)  # an import statement of the library's own source
            for name, value in namespace.items():
                if not name.startswith("__") and name not in vars(module):
                    setattr(module, name, value)


def _bind_type_checking_names(app: Sphinx) -> None:
    import medmassage

    for info in pkgutil.walk_packages(medmassage.__path__, "medmassage."):
        if info.name.endswith("__main__"):  # running it would run the command line
            continue
        module = importlib.import_module(info.name)
        _type_checking_imports(module)
    _type_checking_imports(medmassage)


# -- 3. facade and alias references --------------------------------------------------


def _public_homes() -> dict[str, str]:
    """Map each public name to the module that documents it (first public module wins).

    A name is documented where it is defined when that module is public, else in
    the first public module that exports it.
    """
    homes: dict[str, str] = {}
    exported: dict[str, list[str]] = {}
    for modname in PUBLIC_MODULES:
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            exported.setdefault(name, []).append(modname)
    for name, modules in exported.items():
        obj = getattr(importlib.import_module(modules[0]), name)
        defined_in = getattr(obj, "__module__", None)
        homes[name] = defined_in if defined_in in modules else modules[0]
    return homes


def _resolve_alias(
    app: Sphinx, env: Any, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    domain = node.get("refdomain")
    if domain not in ("py", ""):
        return None
    target: str = node["reftarget"]
    shorten = target.startswith("~")
    target = target.lstrip("~")
    new = None
    if target.startswith("medmassage.") and target.count(".") >= 1:
        head, _, rest = target[len("medmassage.") :].partition(".")
        home = app.env.medmassage_homes.get(head)  # type: ignore[attr-defined]
        if home is not None:
            new = f"{home}.{head}" + (f".{rest}" if rest else "")
    if new is None:
        if target in ALIASES:
            new = ALIASES[target]
        else:
            prefix, _, rest = target.partition(".")
            if rest and prefix in ALIASES:
                new = f"{ALIASES[prefix]}.{rest}"
    if new is None:
        if not shorten:
            return None
        new = target  # ``~medmassage.units.Pressure`` through the ``any`` role
    if shorten and isinstance(contnode, nodes.Element):
        contnode = contnode.deepcopy()
        contnode.children = [nodes.Text(new.rpartition(".")[2])]
    py = env.get_domain("py")
    fromdoc = node.get("refdoc", env.docname)
    if domain == "":
        results = py.resolve_any_xref(env, fromdoc, app.builder, new, node, contnode)
        if results:
            return results[0][1]
    else:
        found = py.resolve_xref(env, fromdoc, app.builder, node["reftype"], new, node, contnode)
        if found is not None:
            return found
    # Not ours: ask intersphinx with the rewritten target.
    from sphinx.ext.intersphinx import missing_reference

    external = node.deepcopy()
    external["reftarget"] = new
    if domain == "":
        external["refdomain"] = "py"
        external["reftype"] = "obj"
    return missing_reference(app, env, external, contnode)


def _evaluate_wrapped_annotations(app: Sphinx) -> None:
    """Evaluate the annotations of functions wrapped by another library.

    ``hypothesis.strategies.composite`` returns a function whose globals are
    hypothesis's, so its string annotations (``st.SearchStrategy[str]``,
    ``Certification``) cannot be evaluated where autodoc looks for them; they
    are evaluated here in the namespace of the module that defines them.
    """
    import typing

    for modname in PUBLIC_MODULES:
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) and hasattr(obj, "__wrapped__")):
                continue
            # Defined in the module itself or, for a package, in one of its private modules.
            homes = [
                m
                for n, m in sorted(sys.modules.items())
                if (n == modname or n.startswith(f"{modname}._")) and vars(m).get(name) is obj
            ]
            hints = typing.get_type_hints(obj, globalns=vars(homes[-1]))
            # inspect.signature follows __wrapped__, so every function of the chain
            # gets the evaluated annotations.
            while obj is not None:
                obj.__annotations__ = dict(hints)
                obj = getattr(obj, "__wrapped__", None)


# -- 4.-5. autodoc and napoleon details -------------------------------------------------


def _keep_enum_members(
    app: Sphinx, what: str, name: str, obj: object, skip: bool, options: Any
) -> bool | None:
    """Document every enumeration member, and every public name, docstring or not.

    A public name without a docstring is still listed (so it can be linked to);
    `_check_public_names_documented` then makes sure none is missing.
    """
    if isinstance(obj, enum.Enum) and not name.startswith("_"):
        return False
    if what == "module" and skip and (name, id(obj)) in _public_objects():
        return False
    return None


@functools.cache
def _public_objects() -> frozenset[tuple[str, int]]:
    found = set()
    for modname in PUBLIC_MODULES:
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            found.add((name, id(getattr(module, name))))
    return frozenset(found)


def _describe_builtin_modalities(
    app: Sphinx, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    """Give each built-in modality constant a line linking to its clinical page."""
    from medmassage.modalities import Modality

    # Without a ``#:`` comment of its own, autodoc shows the class docstring.
    inherited = (inspect.getdoc(Modality) or "").splitlines()[:1]
    if what == "data" and isinstance(obj, Modality) and (not lines or lines[:1] == inherited):
        lines[:] = [
            f"The built-in modality ``{obj.code}`` ({obj.name}); see :ref:`modality-{obj.code}`."
        ]


def _check_public_names_documented(app: Sphinx, env: Any) -> None:
    """Warn (an error under -W) for a public name the API reference does not document."""
    if not any(doc.startswith("reference/api/") for doc in env.found_docs):
        return
    documented = set(env.get_domain("py").objects)
    for modname in PUBLIC_MODULES:
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            if name != "__version__" and f"{modname}.{name}" not in documented:
                LOGGER.warning(
                    "public name %s.%s is not documented in the API reference",
                    modname,
                    name,
                    type="medmassage",
                    subtype="undocumented",
                )


def _drop_private_bases(
    app: Sphinx, name: str, obj: object, options: Any, bases: list[Any]
) -> None:
    """Do not show medmassage's private helper classes as bases (they are not documented)."""
    public = [b for b in bases if not getattr(b, "__module__", "").startswith("medmassage._")]
    bases[:] = public or [object]


def _consume_attribute_without_type(
    self: napoleon_docstring.GoogleDocstring,
) -> tuple[str, list[str]]:
    lines = [self._lines.next(), *self._dedent(self._consume_to_end())]  # type: ignore[attr-defined]
    return "", self.__class__(lines, self._config).lines()  # type: ignore[attr-defined]


# -- 1. generated pages --------------------------------------------------------------

_BACKTICK_REF = re.compile(r"(?<![`:])`(?!`)([^`\n]+?)`(?!`|_)")


def _literal_refs(text: str) -> str:
    """Turn single-backtick references into literals (the page has no module context)."""
    return _BACKTICK_REF.sub(lambda m: f"``{m.group(1).lstrip('~')}``", text)


def _docstring(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return _literal_refs(doc)


def _escape(text: str) -> str:
    """Escape reST inline markup characters in plain data (titles, sources)."""
    return re.sub(r"([\\`*_|])", r"\\\1", text)


def _heading(title: str, char: str = "=") -> str:
    return f"{title}\n{char * len(title)}\n"


def _field_list(rows: Iterable[tuple[str, str]]) -> str:
    """A compact two-column table of an object's properties."""
    return _list_table([], [[f"**{name}**", value] for name, value in rows], "30 70")


def _list_table(header: list[str], rows: list[list[str]], widths: str = "auto") -> str:
    out = [".. list-table::", f"   :header-rows: {1 if header else 0}", f"   :widths: {widths}"]
    out.append("")
    for row in [header, *rows] if header else rows:
        first = True
        for cell in row:
            lines = (cell or "\N{EN DASH}").splitlines() or ["\N{EN DASH}"]
            out.append(("   * - " if first else "     - ") + lines[0])
            out.extend("       " + line for line in lines[1:])
            first = False
    return "\n".join(out) + "\n\n"


def _icd_label(pattern: str) -> str:
    from medmassage.codes import lookup_icd10cm
    from medmassage.exceptions import UnknownCodeError

    def one(code: str) -> str:
        try:
            return lookup_icd10cm(code).description
        except UnknownCodeError:
            return ""

    if "-" in pattern:
        lo, _, hi = pattern.partition("-")
        a, b = one(lo), one(hi)
        desc = f"from {a} to {b}" if a and b else ""
    else:
        desc = one(pattern)
    return f"``{pattern}``" + (f" {_escape(desc)}" if desc else "")


def _trigger_value(value: object) -> str:
    """Render one `Triggers` field (every field is rendered, so none can be missed)."""
    from medmassage.contraindications import CodeSet

    if isinstance(value, CodeSet):
        return "\n".join(f"| {_icd_label(p)}" for p in value.patterns)
    if value is True:
        return "yes"
    if isinstance(value, frozenset | set | tuple):
        names = sorted(getattr(v, "value", v) for v in value)
        return ", ".join(f"``{n}``" for n in names)
    return f"``{value}``"


def _rule_page(rule: Any) -> str:
    from medmassage.contraindications import Severity

    t = rule.triggers
    kind = type(rule)
    parts = [
        f".. _rule-{rule.id}:\n\n",
        _heading(f"{rule.title}"),
        "\n",
        _field_list(
            [
                ("Rule id", f"``{rule.id}``"),
                (
                    "Default severity",
                    f"**{rule.severity.value}** (overridable with a "
                    ":py:class:`~medmassage.contraindications.Policy`)",
                ),
                (
                    "Modalities concerned",
                    ", ".join(f"``{m}``" for m in sorted(rule.modalities)) or "every modality",
                ),
                (
                    "Regions concerned",
                    ", ".join(r.value.replace("_", " ") for r in sorted(rule.regions, key=str))
                    or "any region (the findings name the sites)",
                ),
                (
                    "Evidence level",
                    f"**{rule.evidence_level.value.replace('_', ' ')}**: "
                    f"{_escape(rule.evidence_level.description)} "
                    "(:py:class:`~medmassage.evidence.EvidenceLevel`)",
                ),
                ("Plugin API version", str(rule.api_version)),
                ("Implementation", f"``{kind.__module__}.{kind.__qualname__}``"),
            ]
        ),
        _heading("What it does", "-"),
        "\n",
        _docstring(kind),
        "\n\n",
    ]
    evaluate = getattr(kind, "evaluate", None)
    if evaluate is not None and inspect.getdoc(evaluate):
        parts += [
            f"**What** ``evaluate`` **does:** {_literal_refs(inspect.getdoc(evaluate) or '')}\n\n"
        ]
    parts += [_heading("Triggers", "-"), "\n"]
    if t is None or t.empty:
        parts.append("None declared: the rule is evaluated for every patient and plan.\n\n")
    else:
        rows = [
            (
                "ICD-10-CM"
                if field.name == "icd10cm"
                else field.name.replace("_", " ").capitalize(),
                _trigger_value(getattr(t, field.name)),
            )
            for field in attrs.fields(type(t))
            if getattr(t, field.name)
        ]
        parts.append(
            "The engine shows a patient and plan to this rule only when one of these is "
            "present (:py:class:`~medmassage.contraindications.Triggers`):\n\n"
        )
        parts.append(_list_table(["Trigger", "Values"], [list(r) for r in rows], "20 80"))
    parts += [_heading("Source", "-"), "\n", _escape(rule.source), "\n\n"]
    if rule.severity is not Severity.INFORMATION:
        parts.append(
            "See :doc:`/concepts/screening` for how severities become a status, and how an "
            "application reclassifies a rule.\n"
        )
    return "".join(parts)


def _walton(grade: Any) -> str:
    return f"{int(grade)} ({grade.name.lower().replace('_', ' ')})"


def _instrument_page(inst: Any) -> str:
    rows = [
        ("Code", f"``{inst.code}``"),
        ("Version", _escape(inst.version)),
        ("Input", f"``{inst.kind.value}``"),
        ("Items", str(inst.item_count) if inst.item_count else "none (a measurement)"),
        ("Answers", _answers(inst)),
        ("Score range", f"{inst.score_range[0]:g} to {inst.score_range[1]:g} {inst.unit}"),
        ("Direction", inst.direction.value.replace("_", " ")),
        ("Primary scale", f"``{inst.primary}``"),
        ("Plugin API version", str(inst.api_version)),
    ]
    if inst.min_items != inst.item_count:
        rows.insert(4, ("Fewest items", str(inst.min_items)))
    for number, spec in inst.item_responses:
        rows.append((f"{inst.item_noun.capitalize()} {number} answers", _escape(spec.describe())))
    parts = [
        f".. _instrument-{inst.code}:\n\n",
        _heading(f"{inst.name} ({inst.code})"),
        "\n",
        _field_list(rows),
        _heading("Scales", "-"),
        "\n",
        _list_table(
            ["Scale", "Label", "Rule", "Items", "Missing allowed", "Range"],
            [
                [
                    f"``{s.name}``",
                    _escape(s.label),
                    f"``{s.rule.value}``" + (f" x {s.weight:g}" if s.weight != 1 else ""),
                    (
                        ("scales " + ", ".join(s.of))
                        if s.of
                        else (_items(s.items) if s.items else "all given")
                    ),
                    str(s.max_missing)
                    + (f" (scored {s.missing_value:g})" if s.missing_value is not None else ""),
                    f"{s.score_range[0]:g}-{s.score_range[1]:g}",
                ]
                for s in inst.scales
            ],
        ),
        _heading("Missing items", "-"),
        "\n",
        _escape(inst.missing_rule),
        "\n\n",
    ]
    level = inst.missing_rule_evidence
    parts.append(
        "Evidence level: "
        + (f"``{level.value}``" if level is not None else "not stated")
        + (f" ({_escape(inst.missing_rule_reason)})" if inst.missing_rule_reason else "")
        + ".\n\n"
    )
    if not inst.missing_rule_confirmed:
        parts.append(
            ".. note::\n\n   This missing-item rule is not the published one in every "
            "part: see the evidence level and its reason above.\n\n"
        )
    if inst.bands:
        parts += [
            _heading("Interpretation bands", "-"),
            "\n",
            _list_table(
                ["Band", "From", "Up to"],
                [
                    [
                        _escape(b.label),
                        f"{b.low:g}",
                        f"{b.high:g}" + (" (inclusive)" if b.high_inclusive else " (exclusive)"),
                    ]
                    for b in inst.bands
                ],
            ),
        ]
    parts += [_heading("Minimal clinically important difference", "-"), "\n"]
    if inst.mcids:
        parts.append(
            _list_table(
                ["Threshold", "Scale", "Population", "Default", "Evidence", "Source"],
                [
                    [
                        _escape(m.describe()),
                        f"``{m.scale}``" if m.scale else "primary",
                        f"``{m.population}``: {_escape(m.description)}"
                        + (
                            " (ICD-10-CM " + ", ".join(m.conditions) + ")"
                            if m.conditions
                            else ""
                        ),
                        "yes" if m.default else "no",
                        _escape(m.evidence()),
                        _escape(m.source),
                    ]
                    for m in inst.mcids
                ],
                "12 8 25 6 20 29",
            )
        )
    else:
        parts.append("None recorded: `Instrument.change` reports no MCID verdict.\n\n")
    if inst.notes:
        parts += [_heading("Notes", "-"), "\n"]
        parts += [f"* {_escape(n)}\n" for n in inst.notes]
        parts.append("\n")
    parts += [
        _heading("Source", "-"),
        "\n",
        _escape(inst.source),
        "\n\n",
        _heading("Licence", "-"),
        "\n",
        _escape(inst.licence),
        "\n\nmedmassage ships no item wording: items are referred to by number.\n",
    ]
    return "".join(parts)


_RANGE = re.compile(r"^an? (whole )?number ")


def _answers(inst: Any) -> str:
    """What `Instrument.score` takes, in words."""
    from medmassage.instruments import InputKind

    kinds = {
        InputKind.PRESSURE: ("pressure", "medmassage.units.Pressure"),
        InputKind.ANGLE: ("angle", "medmassage.units.Angle"),
    }
    if inst.kind in kinds:
        word, cls = kinds[inst.kind]
        return (
            f"a measured {word} (:py:class:`~{cls}`, in any unit of that kind) or a sequence "
            f"of repeated trials; scored {_RANGE.sub('', inst.response.describe())} {inst.unit}"
        )
    return _escape(inst.response.describe())


def _items(numbers: tuple[int, ...]) -> str:
    if numbers == tuple(range(numbers[0], numbers[0] + len(numbers))):
        return f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
    return ", ".join(map(str, numbers))


def _modality_page(modality: Any, rules: list[Any]) -> str:
    from medmassage.cpt import cpt_for_modality

    try:
        cpt = f"``{cpt_for_modality(modality)}`` (default mapping)"
    except Exception:  # a modality without a mapping
        cpt = "no default mapping"
    keys = {modality.code, *modality.contraindication_tags}
    concerned = [r for r in rules if r.modalities & keys]
    rows = [
        ("Code", f"``{modality.code}``"),
        (
            "Walton pressure grades",
            f"{_walton(modality.min_grade)} to {_walton(modality.max_grade)}",
        ),
        (
            "Measured pressure limit",
            str(modality.max_pressure) if modality.max_pressure else "none",
        ),
        ("Typical duration", str(modality.typical_duration)),
        (
            "Required certifications",
            ", ".join(f"``{c}``" for c in sorted(modality.required_certifications)) or "none",
        ),
        (
            "Contraindication tags",
            ", ".join(f"``{t}``" for t in sorted(modality.contraindication_tags)) or "none",
        ),
        ("CPT code", cpt),
        ("Plugin API version", str(modality.api_version)),
    ]
    parts = [
        f".. _modality-{modality.code}:\n\n",
        _heading(f"{modality.name}"),
        "\n",
        _escape(modality.description),
        "\n\n",
        _field_list(rows),
        _heading("Rules that name it", "-"),
        "\n",
    ]
    if concerned:
        parts += [
            f"* :ref:`rule-{r.id}` (``{r.id}``, {r.severity.value})\n"
            for r in sorted(concerned, key=lambda r: r.id)
        ]
        parts.append("\nEvery other rule restricts all modalities where its findings apply.\n\n")
    else:
        parts.append(
            "No rule names this modality or its tags specifically; every rule whose findings "
            "restrict all modalities applies to it.\n\n"
        )
    parts += [_heading("Source", "-"), "\n", _escape(modality.source), "\n"]
    return "".join(parts)


def _facade_page(homes: dict[str, str]) -> str:
    import medmassage

    rows = []
    for name in sorted(medmassage.__all__, key=str.lower):
        if name == "__version__":
            continue
        obj = getattr(medmassage, name)
        home = homes.get(name) or obj.__module__
        role = "class" if inspect.isclass(obj) else "func" if callable(obj) else "data"
        summary = (inspect.getdoc(obj) or "").split("\n\n")[0].replace("\n", " ")
        rows.append([f":py:{role}:`~{home}.{name}`", f"``{home}``", _literal_refs(summary)])
    return "".join(
        [
            _heading("``medmassage`` (the facade)"),
            "\n",
            ".. py:module:: medmassage\n\n",
            "``import medmassage as mm`` gives the stable API below. Each name is documented "
            "in the module that defines it; ``mm.X`` and ``medmassage.<module>.X`` are the same "
            "object. Serialization functions are imported on first use, so ``import "
            "medmassage`` stays light.\n\n",
            ".. py:data:: __version__\n\n   The installed distribution's version, read "
            "lazily from its metadata.\n\n",
            _list_table(["Name", "Defined in", "Summary"], rows, "25 25 50"),
        ]
    )


#: Example runs shown on the command-line page, from the repository root.
CLI_EXAMPLES = (
    ("validate", "examples/lumbar_disc_herniation.json"),
    ("screen", "--on", "2026-01-12", "examples/lumbar_disc_herniation.json"),
    ("billing", "examples/lumbar_disc_herniation.json"),
)


def _cli_page(root: Path) -> str:
    """The ``medmassage`` command's help and example runs, produced by the command itself."""
    import contextlib
    import io
    import os

    from medmassage.cli import build_parser, main

    def block(text: str) -> str:
        body = "\n".join(("   " + line).rstrip() for line in text.rstrip().splitlines())
        return f".. code-block:: text\n\n{body}\n\n"

    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "88"  # argparse wraps to the terminal: fix it for the page
    try:
        parser = build_parser()
        parts = [
            _heading("The ``medmassage`` command"),
            "\n``medmassage`` (or ``python -m medmassage``) works on JSON documents. This page "
            "is produced by the command itself when the documentation is built.\n\n",
            block(parser.format_help()),
        ]
        subparsers = next(a for a in parser._actions if a.choices and a.dest == "command")
        for name, sub in subparsers.choices.items():
            parts += [_heading(f"``medmassage {name}``", "-"), "\n", block(sub.format_help())]
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    parts += [_heading("Examples", "-"), "\n"]
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for argv in CLI_EXAMPLES:
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    status = main(list(argv))
            except Exception as exc:  # a broken command must not hide the rest of the docs
                LOGGER.warning("medmassage %s failed: %r", " ".join(argv), exc)
                continue
            parts += [
                block(f"$ medmassage {' '.join(argv)}\n{out.getvalue()}"),
                f"Exit status: {status}.\n\n",
            ]
    finally:
        os.chdir(cwd)
    return "".join(parts)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _generate(app: Sphinx) -> None:
    from medmassage.contraindications._core import BUILTIN_RULES
    from medmassage.instruments import builtin_instruments
    from medmassage.modalities import BUILTIN_MODALITIES

    homes = _public_homes()
    app.env.medmassage_homes = homes  # type: ignore[attr-defined]
    src = Path(app.srcdir)
    _write(src / "reference" / "api" / "medmassage.rst", _facade_page(homes))
    _write(src / "reference" / "cli.rst", _cli_page(src.parent))

    out = src / "clinical" / "generated"
    rules = sorted(BUILTIN_RULES, key=lambda r: (r.severity.rank, r.title.lower()))
    instruments = list(builtin_instruments().values())
    modalities = list(BUILTIN_MODALITIES.values())
    wanted: set[Path] = set()

    def write(path: Path, text: str) -> None:
        _write(path, text)
        wanted.add(path)

    for rule in rules:
        write(out / "rules" / f"{rule.id}.rst", _rule_page(rule))
    for inst in instruments:
        write(out / "instruments" / f"{inst.code}.rst", _instrument_page(inst))
    for modality in modalities:
        write(out / "modalities" / f"{modality.code}.rst", _modality_page(modality, rules))
    write(out / "rules" / "index.rst", _rules_index(rules))
    write(out / "instruments" / "index.rst", _instruments_index(instruments))
    write(out / "modalities" / "index.rst", _modalities_index(modalities))
    # A rule, instrument or modality removed from the code loses its page.
    for stale in out.rglob("*.rst"):
        if stale not in wanted:
            stale.unlink()


def _index_page(title: str, intro: str, table: str, names: list[str]) -> str:
    toctree = "".join(f"   {name}\n" for name in names)
    return f"{_heading(title)}\n{intro}\n\n{table}.. toctree::\n   :hidden:\n\n{toctree}"


def _rules_index(rules: list[Any]) -> str:
    rows = [
        [
            f":ref:`rule-{r.id}`",
            f"``{r.id}``",
            r.severity.value,
            r.evidence_level.value.replace("_", " "),
            ", ".join(f"``{m}``" for m in sorted(r.modalities)) or "all",
        ]
        for r in rules
    ]
    return _index_page(
        "Contraindication rules",
        f"The {len(rules)} built-in rules, most severe default first. Every one is in the "
        "reserved ``core.`` namespace and cannot be disabled; an application can "
        "reclassify its severity with a :py:class:`~medmassage.contraindications.Policy` "
        "(see :doc:`/concepts/screening`).",
        _list_table(
            ["Rule", "Id", "Default severity", "Evidence level", "Modalities"],
            rows,
            "34 24 13 13 16",
        ),
        [r.id for r in rules],
    )


def _instruments_index(instruments: list[Any]) -> str:
    rows = []
    for inst in instruments:
        mcid = inst.mcid()
        rows.append(
            [
                f":ref:`instrument-{inst.code}`",
                f"``{inst.code}``",
                f"{inst.score_range[0]:g}-{inst.score_range[1]:g} {_escape(inst.unit)}",
                inst.direction.value.replace("_", " "),
                _escape(mcid.describe()) if mcid is not None else "none",
            ]
        )
    return _index_page(
        "Outcome instruments",
        f"The {len(instruments)} built-in instruments, scored by the generic engine of "
        ":py:mod:`medmassage.instruments` (see :doc:`/concepts/instruments`).",
        _list_table(
            ["Instrument", "Code", "Score", "Direction", "Default MCID"],
            rows,
            "40 12 16 16 16",
        ),
        [i.code for i in instruments],
    )


def _modalities_index(modalities: list[Any]) -> str:
    from medmassage.cpt import cpt_for_modality

    rows = [
        [
            f":ref:`modality-{m.code}`",
            f"``{m.code}``",
            f"{int(m.min_grade)}-{int(m.max_grade)}",
            f"``{cpt_for_modality(m)}``",
        ]
        for m in modalities
    ]
    return _index_page(
        "Modalities",
        f"The {len(modalities)} built-in modalities. Plugins add more "
        "(:doc:`/howto/modality-plugin`).",
        _list_table(["Modality", "Code", "Walton grades", "CPT"], rows, "40 30 15 15"),
        [m.code for m in modalities],
    )


_PRIVATE_PATH = re.compile(r"^medmassage(\.[a-z_]+)*\._[a-z_]+(\.[A-Za-z_]+)+$")


def _show_public_paths(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Show a link to a public object by its public path, not the private module's.

    Type annotations name the module that defines a class
    (``medmassage.instruments._spec.Band``); the link already goes to the public
    entry (``medmassage.instruments.Band``), and its text and title now say so too.
    """
    for ref in doctree.findall(nodes.reference):
        anchor = ref.get("refid") or ref.get("refuri", "").rpartition("#")[2]
        if not anchor.startswith("medmassage.") or "._" in anchor:
            continue
        if _PRIVATE_PATH.match(ref.get("reftitle", "")):
            ref["reftitle"] = anchor
        text = ref.astext()
        if _PRIVATE_PATH.match(text) and text.rpartition(".")[2] == anchor.rpartition(".")[2]:
            inner = ref.children[0] if len(ref.children) == 1 else None
            new = nodes.Text(anchor)
            if isinstance(inner, nodes.Element) and len(inner.children) == 1:
                inner.children = [new]
            else:
                ref.children = [new]


def setup(app: Sphinx) -> dict[str, object]:
    """Register the extension's event handlers."""
    napoleon_docstring.GoogleDocstring._consume_inline_attribute = (  # type: ignore[method-assign]
        _consume_attribute_without_type
    )
    app.connect("builder-inited", _bind_type_checking_names)
    app.connect("builder-inited", _evaluate_wrapped_annotations)
    app.connect("builder-inited", _generate)
    app.connect("missing-reference", _resolve_alias)
    app.connect("autodoc-skip-member", _keep_enum_members)
    app.connect("autodoc-process-bases", _drop_private_bases)
    app.connect("autodoc-process-docstring", _describe_builtin_modalities)
    app.connect("env-check-consistency", _check_public_names_documented)
    app.connect("doctree-resolved", _show_public_paths)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["setup"]
