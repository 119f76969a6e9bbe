"""Services a log names in words ("Personal Care", "Respite"): each is the practice's procedure
group of that name, created by the import when the practice has none (its codes are filled in
later, in the app). A row naming a group and no codes of its own takes the group's codes.
"""

from __future__ import annotations

from priorauth.model import ProcedureGroup
from sync.parsing.logsheet import LogTable
from sync.planning.merge import Merger
from sync.recognising.columns import Col


def settle_groups(merger: Merger, table: LogTable) -> None:
    """The groups ``table``'s rows name, found or created on ``merger``; each row's group in the
    practice's spelling, and its codes the group's where it gives none."""
    named = table.values.get(Col.GROUP)
    if named is None:
        return
    known = {g.name.casefold(): g for g in merger.data.groups.values()}
    known.update({g.name.casefold(): g for g in merger.changes.groups})  # an export's sheet
    groups: dict[str, ProcedureGroup] = {}
    for name in dict.fromkeys(g for g in named if g):
        group = known.get(name.casefold())
        if group is None:
            group = ProcedureGroup(id=merger.new_id("groups"), name=name, codes=[])
            merger.changes.groups.append(group)
            known[name.casefold()] = group
        groups[name] = group
    if not groups:
        return
    table.values[Col.GROUP] = [groups[g].name if g else g for g in named]
    if not any(g.codes for g in groups.values()):
        return
    written = table.values.get(Col.CODES) or [None] * len(named)
    table.values[Col.CODES] = [
        list(groups[g].codes) if g and not codes and groups[g].codes else codes
        for g, codes in zip(named, written, strict=True)
    ]
