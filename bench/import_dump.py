"""Dump everything an import produces, to compare two checkouts' imports byte for byte.

    cd CHECKOUT && PYTHONPATH=. .venv/bin/python /path/to/bench/import_dump.py OUT.json [--quick]

Imports the benchmark's usual, ABA and history logs, every workbook in sample_workbooks/ and
/work/shared/corpus/ into empty data files, and re-imports changed logs (changed units and
dates, new rows, a member id change, rows the validation refuses) into the filled files. For
each import it writes the plan's lists and texts (summary, items, errors, warnings, how the
sheets were read, service lines), the result's summary and every stored record, with the
timestamps, audit hashes and backup paths left out. Not a test: run it on main and on a branch
and ``cmp`` the outputs. (Uses the checkout on PYTHONPATH: it does not add its own.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from bench.bench_sync import TODAY, make_aba_log, make_log
from bench.history_log import write_history_log
from priorauth.services.tracker import Tracker
from priorauth.store.datafile import Store
from sync.importer import apply_import, plan_import

SAMPLES = Path(__file__).resolve().parent.parent / "sample_workbooks"
CORPUS = Path("/work/shared/corpus")
_DROP = {"at", "updated_at", "prev", "created_at"}


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k not in _DROP}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _records(path: Path) -> Any:
    if not path.exists():
        return None
    doc = json.loads(path.read_text())
    doc.pop("meta", None)
    return _clean(doc)


def _scrub(text: str) -> str:
    return re.sub(r"Backup of the data file before the import: \S+", "Backup: (path)", text)


def import_into(data_file: Path, log: Path) -> dict[str, Any]:
    tracker = Tracker(Store(data_file, user="bench"), today=TODAY)
    out: dict[str, Any] = {"log": log.name}
    try:
        plan = plan_import(log, tracker.data(), today=TODAY, user="bench")
    except Exception as e:  # the refusal is part of what is compared
        out["refused"] = f"{type(e).__name__}: {e}"
        return out
    out["summary"] = plan.summary()
    out["json"] = plan.to_json()
    for name in ("created", "updated", "unchanged", "clients_created", "clients_updated"):
        items = getattr(plan, name)
        out[name] = [[str(i), list(getattr(i, "changes", []) or [])] for i in items]
    out["other_changes"] = [str(i) for i in plan.other_changes]
    out["payers_created"] = plan.payers_created
    out["errors"] = [str(e) for e in plan.errors]
    out["warnings"] = plan.warnings
    out["service_lines"] = [str(g) for g in plan.service_lines]
    out["skipped"] = plan.skipped
    try:
        result = apply_import(tracker, plan, skip_invalid=True)
        out["result"] = _scrub(result.summary())
    except Exception as e:
        out["apply_refused"] = f"{type(e).__name__}: {e}"
    out["stored"] = _records(data_file)
    return out


def _rows(path: Path) -> list[list[Any]]:
    wb = load_workbook(path, read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows


def _write(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Auth Log")
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def changed_log(source: Path, target: Path, *, units_col: int, end_col: int) -> Path:
    """``source`` with changes a second import must notice: units and end dates changed, a
    client's member id changed, the last rows dropped, new rows (a new client, a new
    authorization for an old one) and rows the validation refuses (a number another client
    already has, an end before the start)."""
    rows = _rows(source)
    header, body = rows[0], rows[1:]
    for i, row in enumerate(body):
        if i % 50 == 7 and isinstance(row[units_col], (int, float)):
            row[units_col] = int(row[units_col]) + 6
        if i % 97 == 3 and isinstance(row[end_col], dt.datetime):
            row[end_col] = row[end_col] + dt.timedelta(days=30)
        if row[0] in ("C00010", "H00010"):
            row[4] = "NEWCARD0010"
    body = body[:-40]
    extra = []
    for k in range(60):
        row = list(body[k * 7])
        row[5] = f"NEW{k:05d}"
        if k % 2:
            row[0], row[1], row[4] = f"Z{k:05d}", f"Newcomer{k}, Pat", f"Z{k:09d}"
        extra.append(row)
    bad = list(body[5])
    bad[0], bad[1], bad[4] = "Z99999", "Other, Person", "Z999999999"  # body[5]'s number, again
    extra.append(bad)
    bad = list(body[11])
    bad[5] = "BADDATES1"
    if isinstance(bad[7], dt.datetime):
        bad[end_col] = bad[7] - dt.timedelta(days=3)
    extra.append(bad)
    return _write(target, [header, *body, *extra])


def main() -> int:
    out_path = Path(sys.argv[1])
    quick = "--quick" in sys.argv
    folder = Path(tempfile.mkdtemp(prefix="import_dump_"))
    results: list[dict[str, Any]] = []
    size = 3_000 if quick else 20_000

    usual = folder / "usual.xlsx"
    make_log(usual, size)
    aba = folder / "aba.xlsx"
    make_aba_log(aba, size)
    history = folder / "history.xlsx"
    write_history_log(history, clients=size // 4, per_client=4)
    # HEADER: 9 = Units Approved, 8 = Exp (both logs)
    for name, log in (("usual", usual), ("aba", aba), ("history", history)):
        data_file = folder / f"{name}.json"
        results.append(import_into(data_file, log))
        results.append(import_into(data_file, log))  # again: everything unchanged
        changed = changed_log(log, folder / f"{name}_changed.xlsx", units_col=9, end_col=8)
        results.append(import_into(data_file, changed))
        print(name, "done", file=sys.stderr)

    books = sorted(p for p in SAMPLES.iterdir() if p.suffix in {".xlsx", ".xls", ".ods", ".csv"})
    books += sorted(p for p in CORPUS.iterdir() if p.suffix in {".xlsx", ".xlsm"})
    for i, book in enumerate(books):
        results.append(import_into(folder / f"book{i}.json", book))
    # the samples one after the other into one file: records that already exist
    shared = folder / "shared.json"
    for book in books:
        if book.parent == SAMPLES:
            results.append(import_into(shared, book))

    out_path.write_text(json.dumps(results, indent=1, sort_keys=True, default=str))
    print(f"{len(results)} imports -> {out_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
