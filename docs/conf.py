"""Sphinx configuration for the medmassage documentation.

Built by ``nox -s docs`` twice: ``-b html`` and ``-b doctest``, both with
``-W -n --keep-going -E`` (every warning, every unresolved cross-reference, is
an error).
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

# -- Project -------------------------------------------------------------------

project = "medmassage"
author = "The medmassage developers"
copyright = "2026, The medmassage developers"
try:
    release = version("medmassage")
except PackageNotFoundError:  # pragma: no cover - docs built without installing
    release = "UNRELEASED"
version = ".".join(release.split(".")[:2])

# -- General -------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    # A copy button on every code block; it copies only what is typed (below).
    "sphinx_copybutton",
    # Local: writes the clinical reference pages (one per built-in rule,
    # instrument and modality) and the facade table from the objects themselves
    # on ``builder-inited``, so they cannot drift from the code.
    "medmassage_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_inventories", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

# Docstrings cross-reference with single backticks (`Session`, `screen`).
default_role = "any"
nitpicky = True
# Keep this list short, and say why each entry is here.
nitpick_ignore: list[tuple[str, str]] = [
    # Python 3.11's inventory has no entry for importlib.metadata.EntryPoint
    # (the class is described in prose only); plugins and testing.plugins
    # annotate with it.
    ("py:class", "importlib.metadata.EntryPoint"),
    # Type variables of generic functions (from_dict(cls: type[T]) -> T) are
    # not documented objects.
    ("py:class", "medmassage.serialization.T"),
]
nitpick_ignore_regex: list[tuple[str, str]] = [
    # pyarrow publishes no inventory the offline build can read; medmassage.arrow
    # annotates with pyarrow.Table, pyarrow.Schema and pyarrow.RecordBatch.
    ("py:class", r"pa\..*|pyarrow\..*"),
    # medmassage.dask annotates with Dask's and pandas' classes; no inventory of
    # theirs is cached under _inventories/ (the docs build offline).
    ("py:class", r"(dask|pandas)\..*"),
]

# -- MyST ----------------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "substitution"]
myst_substitutions = {"release": release}
myst_heading_anchors = 3

# -- autodoc / napoleon --------------------------------------------------------

autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_member_order = "bysource"
# Bases are shown only where they say something: the exception tree (see
# reference/api/exceptions.rst). Elsewhere they would mostly read "object".
autodoc_default_options = {"members": True}
# attrs generates __init__, so "preserved" defaults would read attr_dict[...].default.
autodoc_preserve_defaults = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = False
napoleon_attr_annotations = True

# -- intersphinx ---------------------------------------------------------------
#
# The docs must build offline (CI and the development machines have no internet
# access, and ``-W`` turns a failed inventory fetch into an error: Sphinx 9 logs
# "failed to reach any of the inventories" as a warning when every location of a
# project fails, and only an info message when a later location works).
#
# So every project reads a *cached* inventory committed under ``_inventories/``
# and never the network: the second element of each entry is that local file
# only. The files are the ``objects.inv`` of the Debian bookworm documentation
# packages (python3.11-doc 3.11.2, python-attr-doc 22.2.0, python-cattrs-doc
# 22.2.0, python-hypothesis-doc 6.67.1, python-pint-doc 0.19.2). Link targets
# are resolved against the projects' live URLs below; a page moved upstream
# since those releases would give a dead link, never a failed build. Refresh
# them when online with ``python docs/_inventories/refresh.py``.
_INV = HERE / "_inventories"
intersphinx_mapping = {
    "python": ("https://docs.python.org/3.11/", str(_INV / "python.inv")),
    "attrs": ("https://www.attrs.org/en/stable/", str(_INV / "attrs.inv")),
    "cattrs": ("https://catt.rs/en/stable/", str(_INV / "cattrs.inv")),
    "pint": ("https://pint.readthedocs.io/en/stable/", str(_INV / "pint.inv")),
    "hypothesis": ("https://hypothesis.readthedocs.io/en/latest/", str(_INV / "hypothesis.inv")),
}
intersphinx_cache_limit = 0  # always read the local files
intersphinx_timeout = 1

# -- doctest -------------------------------------------------------------------

# No global setup: every page's examples import what they use, so they can be
# copied as they are. API pages run docstring examples in their module's namespace
# (a ``testsetup`` on each page), as the doctest module would.
doctest_test_doctest_blocks = "default"

# -- sphinx-copybutton ---------------------------------------------------------

# Copy the input lines of a session only, without their prompts: ``>>> `` and
# ``... `` of Python examples, ``$ `` of shell examples. Output lines (those
# without a prompt) are left out, so a copied block runs as it is pasted.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_remove_prompts = True

# -- HTML ----------------------------------------------------------------------

html_theme = "furo"
html_title = f"medmassage {release}"
