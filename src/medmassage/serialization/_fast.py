"""Generated structuring functions for valid documents: the fast path of `from_dict`.

Private. For each model class one Python function is generated (and cached) that
reads a document of that class with the checks of the converter's hooks written
inline: exact types (``type(v) is int``), text encodable as UTF-8, enum values,
the item limit of lists, unknown keys, and the depth count of self-nesting
models. It builds the object through the class's own ``__init__``, so every
model validation runs as before. It only *accepts*: on the first thing it does
not accept it raises, and `medmassage.serialization` then structures the same
data with the detailed converter, which reports every problem with its path.
The two must therefore accept exactly the same documents and build equal
objects; tests/test_decoding_fast_path.py checks this.

What it gains over the cattrs functions of the converter without detailed
validation (which it replaces on this path): one call per object instead of a
wrapper, the generated function and a hook per optional field; no dictionary of
keyword arguments per object; no function call per scalar field.
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
import typing
from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs
import cattrs

from .._validation import encodable
from ..modalities import KEY_METADATA
from ..units import Measure, structure_hook
from . import _limits
from ._converter import (
    _counted,
    _date,
    _datetime,
    _is_enum,
    _is_optional,
    _self_nesting,
    _structure_key,
    make_converter,
)
from ._limits import MAX_ITEMS

Hook = Callable[[Any, Any], Any]
T = TypeVar("T")


class Rejected(Exception):
    """The fast path does not accept this input (the detailed path reports why)."""


_REJECTED: Final = Rejected()
_MISSING: Final = object()


def _reject() -> typing.NoReturn:
    raise _REJECTED


def _enum_members(cls: type[enum.Enum]) -> dict[object, enum.Enum]:
    return {m.value: m for m in cls}


def _items_limit() -> int:
    return _limits.items_limit() if _limits.overriding else MAX_ITEMS


class _Compiler:
    """Builds the generated functions of one converter's model classes."""

    def __init__(self, conv: cattrs.Converter) -> None:
        self.conv = conv
        self.hooks: dict[type, Hook] = {}
        self.lock = threading.RLock()

    # -- scalar expressions -----------------------------------------------------

    def _value_code(
        self, tp: Any, var: str, ns: dict[str, Any], lines: list[str], ind: str
    ) -> None:
        """Append code that checks and converts ``var`` in place for type *tp*."""
        if tp is str:
            lines.append(f"{ind}if type({var}) is not str or not ({var}.isascii() or _enc({var})):")
            lines.append(f"{ind}    _reject()")
        elif tp is bool:
            lines.append(f"{ind}if type({var}) is not bool: _reject()")
        elif tp is int:
            lines.append(f"{ind}if type({var}) is not int: _reject()")
        elif tp is float:
            lines.append(f"{ind}if type({var}) is not float and type({var}) is not int: _reject()")
        elif _is_enum(tp):
            members = f"_m{len(ns)}"
            ns[members] = _enum_members(tp)
            lines.append(f"{ind}if type({var}) is not str and type({var}) is not int: _reject()")
            lines.append(f"{ind}{var} = {members}.get({var})")
            lines.append(f"{ind}if {var} is None: _reject()")
        elif _is_optional(tp):
            inner = next(a for a in tp.__args__ if a is not type(None))
            lines.append(f"{ind}if {var} is not None:")
            self._value_code(inner, var, ns, lines, ind + "    ")
        else:
            hook = f"_h{len(ns)}"
            ns[hook] = self.item_hook(tp)
            ns[f"{hook}t"] = tp
            lines.append(f"{ind}{var} = {hook}({var}, {hook}t)")

    def item_hook(self, tp: Any) -> Hook:
        """A callable structuring one value of *tp* (raising on anything not accepted)."""
        if isinstance(tp, type) and attrs.has(tp):
            return self.hook(tp)
        if tp is dt.datetime:
            return _datetime
        if tp is dt.date:
            return _date
        if isinstance(tp, type) and issubclass(tp, Measure):
            return structure_hook(tp)
        origin = typing.get_origin(tp)
        if origin is tuple or origin is frozenset:
            args = typing.get_args(tp)
            if (origin is tuple and len(args) == 2 and args[1] is Ellipsis) or (
                origin is frozenset and len(args) == 1
            ):
                return self._sequence_hook(args[0], origin)
        if tp is str or tp is int or tp is float or tp is bool or _is_enum(tp) or _is_optional(tp):
            # (An optional type is ``X | None`` of one type X: a union of more, such as
            # ``Responses | None``, is not, and keeps the converter's hook.)
            return self._scalar_hook(tp)
        # Everything else (responses, physical measurements, unions ...): the converter's hook.
        return self.conv.get_structure_hook(tp)

    def _scalar_hook(self, tp: Any) -> Hook:
        ns: dict[str, Any] = {"_reject": _reject, "_enc": encodable}
        lines = ["def convert(v, _):"]
        self._value_code(tp, "v", ns, lines, "    ")
        lines.append("    return v")
        exec(compile("\n".join(lines), f"<medmassage fast {tp!r}>", "exec"), ns)
        hook: Hook = ns["convert"]
        return hook

    def _sequence_hook(self, item_type: Any, origin: Any) -> Hook:
        item = self.item_hook(item_type)
        make: Callable[[Any], Any] = tuple if origin is tuple else frozenset

        def structure(value: object, _: object) -> Any:
            if type(value) is not list and type(value) is not tuple:
                _reject()
            if len(value) > _items_limit():
                _reject()
            return make([item(x, item_type) for x in value])

        return structure

    # -- model classes ----------------------------------------------------------

    def hook(self, cls: type) -> Hook:
        """The generated function for the model class *cls* (built once)."""
        hook = self.hooks.get(cls)
        if hook is not None:
            return hook
        with self.lock:
            hook = self.hooks.get(cls)
            if hook is not None:
                return hook
            # A placeholder first: a model that contains itself refers to its own hook.
            late: list[Hook] = []

            def forward(value: object, tp: object) -> Any:
                return late[0](value, tp)

            self.hooks[cls] = forward
            try:
                built = self._build(cls)
            except BaseException:
                del self.hooks[cls]
                raise
            late.append(built)
            self.hooks[cls] = built
            return built

    def _build(self, cls: type) -> Hook:
        attrs.resolve_types(cls)
        fields = attrs.fields(cls)
        if any(
            not a.init or isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]
            for a in fields
        ):
            # Not generated: the converter's own function for this class.
            fallback: Hook = self.conv.get_structure_hook(cls)
            return fallback
        ns: dict[str, Any] = {
            "_reject": _reject,
            "_enc": encodable,
            "_cls": cls,
            "_names": frozenset(a.name for a in fields),
            "_MISSING": _MISSING,
            "_key": _structure_key,
        }
        lines = [
            "def structure(o, _=None):",
            "    if type(o) is not dict or not _names.issuperset(o): _reject()",
        ]
        args: list[str] = []
        for i, a in enumerate(fields):
            var = f"f{i}"
            tp = a.type
            optional_none = a.default is None and _is_optional(tp)
            if a.default is attrs.NOTHING:
                lines.append(f"    {var} = o[{a.name!r}]")
                self._field_code(a, tp, var, ns, lines, "    ")
            elif optional_none:
                lines.append(f"    {var} = o.get({a.name!r})")
                self._field_code(a, tp, var, ns, lines, "    ")
            else:
                ns[f"_d{i}"] = a.default
                lines.append(f"    {var} = o.get({a.name!r}, _MISSING)")
                lines.append(f"    if {var} is _MISSING:")
                lines.append(f"        {var} = _d{i}")
                lines.append("    else:")
                self._field_code(a, tp, var, ns, lines, "        ")
            args.append(f"{a.alias}={var}")
        lines.append(f"    return _cls({', '.join(args)})")
        source = "\n".join(lines)
        exec(compile(source, f"<medmassage fast structure {cls.__qualname__}>", "exec"), ns)
        structure: Hook = ns["structure"]
        step = _self_nesting(cls)
        if step is not None:
            return _counted(structure, step)
        return structure

    def _field_code(
        self,
        a: attrs.Attribute[Any],
        tp: Any,
        var: str,
        ns: dict[str, Any],
        lines: list[str],
        ind: str,
    ) -> None:
        if a.metadata.get(KEY_METADATA):
            lines.append(f"{ind}{var} = _key({var}, None)")
        else:
            self._value_code(tp, var, ns, lines, ind)


_lock = threading.Lock()
_compiler: _Compiler | None = None
_fast: cattrs.Converter | None = None

#: The generated function of each model class read so far (`fast_hook`'s cache).
fast_hooks: dict[type, Hook] = {}


def fast_structure(conv: cattrs.Converter, model: type) -> Hook:
    """The generated function for *model*, built with *conv*'s hooks for other types."""
    global _compiler
    compiler = _compiler
    if compiler is None or compiler.conv is not conv:
        with _lock:
            if _compiler is None or _compiler.conv is not conv:
                _compiler = _Compiler(conv)
            compiler = _compiler
    return compiler.hook(model)


def fast_hook(model: type[T]) -> Callable[[Any, Any], T]:
    """The generated function for *model* (cached), with the fast converter's other hooks.

    The fast converter is `make_converter` without detailed validation.
    """
    hook = fast_hooks.get(model)
    if hook is None:
        global _fast
        with _lock:
            if _fast is None:
                _fast = make_converter(detailed=False)
        hook = fast_hooks[model] = fast_structure(_fast, model)
    return hook
