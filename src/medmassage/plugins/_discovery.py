"""Discovery: find plugins from package metadata, importing nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ._model import (
    GROUPS,
    PluginInfo,
)

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint


# -- discovery ---------------------------------------------------------------------------


def _dist_fields(ep: EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    name = getattr(dist, "name", None)
    version = getattr(dist, "version", None)
    return (
        name if isinstance(name, str) else None,
        version if isinstance(version, str) else None,
    )


def discover(
    groups: Iterable[str] = GROUPS, *, entry_points: Iterable[EntryPoint] | None = None
) -> tuple[PluginInfo, ...]:
    """Find the plugins of *groups* from package metadata, importing nothing.

    Args:
        groups: The entry-point groups to read.
        entry_points: Use these entry points instead of the installed ones (tests;
            an application that assembles its own). Entry points of other groups
            are ignored.

    Returns:
        One `PluginInfo` per distinct (group, name, value, distribution), sorted
        by group, name and distribution.
    """
    wanted = tuple(groups)
    if entry_points is None:
        from importlib.metadata import entry_points as installed

        found: Iterable[EntryPoint] = [ep for g in wanted for ep in installed(group=g)]
    else:
        found = entry_points
    seen: dict[tuple[str, str, str, str | None], PluginInfo] = {}
    for ep in found:
        if ep.group not in wanted:
            continue
        dist, version = _dist_fields(ep)
        key = (ep.group, ep.name, ep.value, dist)
        if key not in seen:
            seen[key] = PluginInfo(
                group=ep.group,
                name=ep.name,
                value=ep.value,
                distribution=dist,
                version=version,
                entry_point=ep,
            )
    return tuple(
        sorted(seen.values(), key=lambda i: (i.group, i.name, i.distribution or "", i.value))
    )
