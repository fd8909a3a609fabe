"""Private loader of the ICD-10-CM code set (the CMS tabular list).

The data are the CMS ICD-10-CM files bundled in the PyPI package
``simple-icd-10-cm`` (version 1.5.0 ships the April 1, 2026 release): an
ordered list of every chapter, block and code (``code-list-<Month>-<Year>.txt``,
CMS form without dots, in tabular order) and the tabular XML
(``icd10c-tabular-<Month>-<Day>-<Year>.xml``).

Importing ``simple_icd_10_cm`` itself parses the whole XML into a tree of
Python objects (about 2 s, and it calls the deprecated
``importlib.resources.read_text``), so this module never imports it, nor its
data package: it finds the files with `importlib.util.find_spec` and reads the two
bundled files directly, once, on first use and under a lock:

* `Table` reads the code list when built (about 50 ms): existence, tabular
  order, the block and chapter of each category. Billability (a leaf of the
  tabular is billable), parents and children follow from the order: the list is
  a pre-order walk of the tree, so a code's descendants are the entries that
  follow it and start with it.
* `Table.load_descriptions` scans the XML once with a regular expression (about
  100 ms) for each code's description and the seventh-character definitions
  (``<sevenChrDef>``). Codes that take a seventh character (``S13.4XXA``) are
  not in the XML: their description is the description of the code they extend
  followed by the meaning of the seventh character, as in ``simple-icd-10-cm``.

Everything here works on CMS's undotted form (``M5450``); `medmassage.codes`
converts to and from the dotted form.
"""

from __future__ import annotations

import datetime as dt
import html
import pathlib
import re
import threading
from collections.abc import Iterator
from typing import Final

__all__ = ["Table", "table"]

_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}
_XML_NAME = re.compile(r"^icd10c-tabular-([A-Za-z]+)-(\d{1,2})-(\d{4})\.xml$")
_LIST_NAME = re.compile(r"^code-list-[A-Za-z]+-\d{4}\.txt$")
_TOKENS = re.compile(
    r"<name>([^<]*)</name>\s*<desc>([^<]*)</desc>"
    r"|<sevenChrDef>(.*?)</sevenChrDef>"
    r'|<section id="([^"]*)">\s*<desc>([^<]*)</desc>',
    re.S,
)
_EXTENSION = re.compile(r'<extension char="([^"]*)">([^<]*)</extension>|<note>([^<]*)</note>')


def _text(raw: str) -> str:
    return html.unescape(raw) if "&" in raw else raw


class Table:
    """The ICD-10-CM code set of one CMS release, loaded lazily.

    Args:
        list_text: The code list, one chapter, block or undotted code a line, in
            tabular order.
        xml_loader: A callable returning the tabular XML text, called the first
            time a description is needed.
        release: The release date.
    """

    def __init__(self, list_text: str, xml_loader: _XmlLoader, release: dt.date | None) -> None:
        self.release = release
        self._xml_loader = xml_loader
        self._lock = threading.Lock()
        self.codes: list[str] = [line.strip() for line in list_text.split("\n")]
        self.index: dict[str, int] = {}
        #: category -> (block id, chapter number)
        self.placement: dict[str, tuple[str, str]] = {}
        chapter = block = ""
        index = self.index
        placement = self.placement
        codes = self.codes
        last = len(codes) - 1
        for i, entry in enumerate(codes):
            if not entry:
                continue
            if entry[0].isdigit():
                chapter = entry
            elif "-" in entry or (i < last and codes[i + 1] == entry):
                # A block; a block of one category is named like it (B10, QA0)
                # and listed just before it.
                block = entry
            else:
                index[entry] = i
                if len(entry) == 3:
                    placement[entry] = (block, chapter)
        self._descriptions: dict[str, str] | None = None
        self._seventh: dict[str, dict[str, str]] = {}
        self.block_descriptions: dict[str, str] = {}
        self.chapter_descriptions: dict[str, str] = {}

    # -- structure ----------------------------------------------------------------

    def is_leaf(self, code: str) -> bool:
        """Whether *code* (present) has no subdivisions, i.e. is billable."""
        nxt = self.index[code] + 1
        codes = self.codes
        return nxt >= len(codes) or not codes[nxt].startswith(code)

    def parent(self, code: str) -> str | None:
        """The nearest existing code *code* subdivides (``None`` for a category)."""
        index = self.index
        for end in range(len(code) - 1, 2, -1):
            head = code[:end]
            if head in index:
                return head
        return None

    def descendants(self, code: str) -> Iterator[str]:
        """Every code below *code*, in tabular order."""
        codes = self.codes
        for i in range(self.index[code] + 1, len(codes)):
            entry = codes[i]
            if not entry.startswith(code):
                return
            yield entry

    def children(self, code: str) -> list[str]:
        """The codes directly below *code*, in tabular order."""
        return [d for d in self.descendants(code) if self.parent(d) == code]

    def nearest_existing(self, code: str) -> str | None:
        """The longest existing code that *code* starts with, if any."""
        for end in range(len(code), 2, -1):
            if code[:end] in self.index:
                return code[:end]
        return None

    # -- descriptions -------------------------------------------------------------

    def description(self, code: str) -> str:
        """The CMS description of *code* (present)."""
        descriptions = self._descriptions
        if descriptions is None:
            descriptions = self.load_descriptions()
        text = descriptions.get(code)
        if text is not None:
            return text
        # A code formed with a seventh character: extend the nearest described
        # code with the meaning of the character, from the nearest definition.
        base = code[:-1]
        while base and base not in descriptions:
            base = base[:-1]
        meaning = ""
        for end in range(len(code) - 1, 2, -1):
            definition = self._seventh.get(code[:end])
            if definition is not None:
                meaning = definition.get(code[-1], "")
                break
        head = descriptions.get(base, "")
        return f"{head}, {meaning}" if meaning else head

    def load_descriptions(self) -> dict[str, str]:
        """Scan the tabular XML once for descriptions (thread-safe, idempotent)."""
        with self._lock:
            if self._descriptions is not None:
                return self._descriptions
            xml = self._xml_loader()
            descriptions: dict[str, str] = {}
            seventh: dict[str, dict[str, str]] = {}
            owner = ""
            for match in _TOKENS.finditer(xml):
                name, desc, seven, section, section_desc = match.groups()
                if name is not None:
                    owner = name.replace(".", "")
                    if owner.isdigit():
                        self.chapter_descriptions[owner] = _text(desc)
                    else:
                        descriptions[owner] = _text(desc)
                elif seven is not None:
                    meanings: dict[str, str] = {}
                    last = None
                    for ext in _EXTENSION.finditer(seven):
                        char, meaning, note = ext.groups()
                        if char is not None:
                            meanings[char] = _text(meaning)
                            last = char
                        elif last is not None:
                            meanings[last] = f"{meanings[last]}/{_text(note)}"
                    seventh[owner] = meanings
                else:
                    self.block_descriptions[section] = _text(section_desc)
            self._seventh = seventh
            self._descriptions = descriptions
            return descriptions


class _XmlLoader:
    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def __call__(self) -> str:
        return self.path.read_text(encoding="utf-8")


_lock = threading.Lock()
_table: Table | None = None


def table() -> Table:
    """Return the bundled release's table, reading the code list on first call.

    Raises:
        RuntimeError: If the ``simple-icd-10-cm`` data files cannot be found.
    """
    global _table
    current = _table
    if current is not None:
        return current
    with _lock:
        if _table is None:
            _table = _load_bundled()
        return _table


def _data_folder() -> pathlib.Path:
    """Find the package's data folder without importing the package.

    ``import simple_icd_10_cm`` (and so `importlib.resources.files` on its data
    package) parses the whole XML; `importlib.util.find_spec` on the top-level
    package only locates it.
    """
    import importlib.util

    spec = importlib.util.find_spec("simple_icd_10_cm")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = pathlib.Path(location) / "data"
        if folder.is_dir():
            return folder
    raise RuntimeError(
        "the ICD-10-CM tables of the 'simple-icd-10-cm' package were not found as files; "
        "install simple-icd-10-cm>=1.5 (unzipped)"
    )


def _load_bundled() -> Table:
    folder = _data_folder()
    names = sorted(entry.name for entry in folder.iterdir())
    xml_names = [n for n in names if _XML_NAME.match(n)]
    list_names = [n for n in names if _LIST_NAME.match(n)]
    if len(xml_names) != 1 or len(list_names) != 1:
        raise RuntimeError(
            "expected exactly one ICD-10-CM tabular XML and one code list in "
            f"simple-icd-10-cm, found {xml_names + list_names}"
        )
    match = _XML_NAME.match(xml_names[0])
    release: dt.date | None = None
    if match is not None and match[1] in _MONTHS:
        release = dt.date(int(match[3]), _MONTHS[match[1]], int(match[2]))
    text = (folder / list_names[0]).read_text(encoding="utf-8")
    return Table(text, _XmlLoader(folder / xml_names[0]), release)
