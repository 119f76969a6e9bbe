"""Writing a planned import, the same way for authorization logs and appointment lists: refuse a
plan with errors (unless the other rows are to go in), keep a backup, then one transaction; when
someone changed the data since planning, plan again under the lock and refuse if rows that fit
before no longer do. Nothing is written unless all of it is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from priorauth.data import Data
from priorauth.errors import AuthTrackError, ConflictError
from priorauth.services import bulk
from priorauth.services.tracker import Tracker
from priorauth.store.gcpause import gc_paused


class ImportBlocked(AuthTrackError):
    """The plan has rows with errors and ``skip_invalid`` was not given: nothing was written."""


class Planned(Protocol):
    path: Path
    data: Data
    errors: list[Any]
    changes: bulk.Changes

    @property
    def has_changes(self) -> bool: ...


P = TypeVar("P", bound=Planned)


def counts_json(plan: Any) -> dict[str, Any]:
    """The keys every import's ``--json`` object starts with (DESIGN.md): what it created,
    updated and left as it was, the rows skipped, the errors and warnings, and the sheet read.
    ``plan`` is an authorization or an appointment plan (the counts are of what each imports)."""
    return {
        "created": len(plan.created),
        "updated": len(plan.updated),
        "unchanged": len(plan.unchanged),
        "skipped": plan.skipped,
        "errors": [e.to_json() for e in plan.errors],
        "warnings": list(plan.warnings),
        "sheet": plan.sheet,
    }


def write_planned(
    tracker: Tracker,
    plan: P,
    *,
    skip_invalid: bool,
    replan: Callable[[Data], P] | None,
    summary: str,
) -> tuple[P, Path | None, bool]:
    """Write ``plan`` (the one re-made by ``replan`` on the data under the lock, when that data
    changed since planning); returns the plan written, the backup (None when there was no
    file to back up, or nothing to write) and whether anything was written."""
    tracker.policy("import")
    if plan.errors and not skip_invalid:
        rows = len({(e.sheet, e.row) for e in plan.errors})
        raise ImportBlocked(
            f"{plan.path} has {rows} row{'s' if rows != 1 else ''} with errors; nothing was "
            "imported. Fix them, or import the other rows with --skip-invalid."
        )
    if not plan.has_changes:
        return plan, None, False
    store = tracker.store
    backup = store.backup("import")
    final = plan
    with gc_paused(), store.transaction() as tx:
        if tx.data is not plan.data and replan is not None:
            before = {(e.sheet, e.row, e.message) for e in plan.errors}
            final = replan(tx.data)
            new_errors = [e for e in final.errors if (e.sheet, e.row, e.message) not in before]
            if new_errors:
                raise ConflictError(
                    f"Someone changed the data while {plan.path.name} was being imported, and "
                    f"{len(new_errors)} row(s) no longer fit ({new_errors[0]}); nothing was "
                    "imported: run the import again."
                )
        if final.has_changes:
            bulk.apply(tx, final.changes, summary=summary)
    return final, backup, final.has_changes
