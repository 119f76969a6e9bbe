"""Dump what importing a set of logs does, to compare two checkouts (a script, not a test).

    PYTHONPATH=. .venv/bin/python bench/import_digest.py OUT.txt   (from the checkout's root)

Imports the bench's usual, ABA and history logs and every workbook in sample_workbooks/ and
/work/shared/corpus/ (when present) into empty data files, and writes the plan's summary, JSON,
errors, warnings and item words, and every stored record (without timestamps), one file per
run. Run it on two checkouts and ``diff`` the outputs: an optimisation must leave them equal.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench.bench_sync import TODAY, make_aba_log, make_log
from bench.history_log import write_history_log
from priorauth.services.tracker import Tracker
from priorauth.store.codec import to_doc
from priorauth.store.datafile import Store
from sync.errors import WorkbookError
from sync.importer import apply_import, plan_import

ROOT = Path.cwd()
_VOLATILE = {"created_at", "updated_at", "changed_at", "at", "when", "time", "timestamp"}


def _clean(doc: object) -> object:
    if isinstance(doc, dict):
        return {k: _clean(v) for k, v in doc.items() if k not in _VOLATILE}
    if isinstance(doc, list):
        return [_clean(v) for v in doc]
    return doc


def _items(name: str, items: list) -> list[str]:
    return [f"{name} {it.sheet!r} {it}" for it in items]


def digest(path: Path, folder: Path, n: int) -> list[str]:
    out = [f"=== {path.name}"]
    store = Store(folder / f"d{n}.json", user="digest")
    tracker = Tracker(store, today=TODAY)
    try:
        plan = plan_import(path, tracker.data(), today=TODAY, user="digest")
    except WorkbookError as e:
        return [*out, f"WorkbookError {e}"]
    out.append(plan.summary())
    out.append(json.dumps(plan.to_json(), sort_keys=True, default=str))
    out += [f"error {e}" for e in plan.errors]
    out += [f"warning {w}" for w in plan.warnings]
    out += _items("created", plan.created) + _items("updated", plan.updated)
    out += _items("unchanged", plan.unchanged)
    out += _items("clients_created", plan.clients_created)
    out += _items("clients_updated", plan.clients_updated)
    out += _items("other", plan.other_changes)
    result = apply_import(tracker, plan, skip_invalid=True)
    out.append(result.summary().split(" Backup of")[0])
    data = tracker.data()
    for table in ("payers", "groups", "clients", "authorizations", "services", "dismissals"):
        for rid, rec in sorted(getattr(data, table).items()):
            out.append(f"{table} {rid} {json.dumps(_clean(to_doc(rec)), sort_keys=True)}")
    out.append(f"settings {json.dumps(_clean(data.settings), sort_keys=True, default=str)}")
    # the data file as written: read back by a new store, and its layout (lines per table)
    file = folder / f"d{n}.json"
    if file.exists():
        lines = file.read_bytes().split(b"\n")
        out.append(f"file lines {len(lines)} sizes {[len(x) // 1000 for x in lines[3:]]}")
        back = Tracker(Store(file, user="digest"), today=TODAY).data()
        for table in ("payers", "groups", "clients", "authorizations", "services"):
            same = getattr(back, table) == getattr(data, table)
            out.append(f"read back {table}: {'same' if same else 'DIFFERENT'}")
    # and the re-import of the same file over what was written
    again = plan_import(path, tracker.data(), today=TODAY, user="digest")
    out.append("again: " + again.summary())
    return out


def main() -> int:
    out_path = Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        logs = []
        for name, make in (
            ("usual.xlsx", lambda p: make_log(p, 20_000)),
            ("aba.xlsx", lambda p: make_aba_log(p, 20_000)),
            ("history.xlsx", lambda p: write_history_log(p, clients=5000, per_client=4)),
        ):
            make(folder / name)
            logs.append(folder / name)
        for d in (ROOT / "sample_workbooks", Path("/work/shared/corpus")):
            if d.is_dir():
                logs += sorted(
                    p
                    for p in d.iterdir()
                    if p.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
                )
        lines: list[str] = []
        for n, path in enumerate(logs):
            lines += digest(path, folder, n)
    text = "\n".join(lines) + "\n"
    text = text.replace(str(folder), "TMP").replace(str(ROOT), "ROOT")
    out_path.write_text(text)
    print(f"{len(logs)} logs, {len(lines)} lines -> {out_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
