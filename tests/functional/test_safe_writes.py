"""Every file authtrack writes goes through priorauth.store.safefile, attacked by a second account.

The race: a staff account that can write the export folder keeps swapping authtrack's temporary
files for symbolic links to a root-only file while root exports, writes reports and writes back;
the root-only file never changes.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from priorauth.data import Data
from priorauth.model import Payer
from priorauth.reports import build
from priorauth.services.demo import build_demo
from priorauth.services.tracker import Tracker
from priorauth.store import safefile
from priorauth.store.datafile import Store
from sync.errors import WorkbookError
from sync.writing.exporter import export_workbook
from sync.writing.report_export import ReportExportError, write_report
from sync.writing.writeback import write_back
from tests.helpers.accounts import Account, account, python_env_for_others
from tests.helpers.sync_helpers import log_row, workbook

TODAY = dt.date(2026, 11, 23)
TRIES = 200

# Run as the attacking account: swap every temporary file that appears in FOLDER for a link to
# SECRET (atomically, by renaming a fresh link over it), until STOP exists. It waits on inotify
# (through ctypes), so it reacts the moment a file is created and costs no CPU in between.
SWAPPER = textwrap.dedent(
    """
    import ctypes, os, struct, sys
    folder, secret, stop, ready = sys.argv[1:5]
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init()
    IN_CREATE = 0x100
    assert fd >= 0 and libc.inotify_add_watch(fd, folder.encode(), IN_CREATE) >= 0
    swaps = 0
    open(ready, "w").close()
    while True:
        buf = os.read(fd, 65536)
        if os.path.exists(stop):
            break
        at = 0
        while at < len(buf):
            _, _, _, size = struct.unpack_from("iIII", buf, at)
            name = buf[at + 16 : at + 16 + size].rstrip(b"\\0").decode()
            at += 16 + size
            if name.startswith(".") and name.endswith(".tmp"):
                link = os.path.join(folder, "x" + name)
                try:
                    os.symlink(secret, link)
                    os.rename(link, os.path.join(folder, name))
                    swaps += 1
                except OSError:
                    pass
    print(swaps)
    """
)


@pytest.fixture
def staff() -> Iterator[Account]:
    with account("atsw") as a:
        yield a


@pytest.fixture
def shared_tree(staff: Account) -> Iterator[Path]:
    """A folder outside root's private temp folders that the staff account can reach."""
    base = Path(tempfile.mkdtemp(prefix="authtrack-race-"))
    os.chmod(base, 0o755)
    try:
        yield base
    finally:
        subprocess.run(["rm", "-rf", str(base)], check=True)


def _secret(base: Path) -> Path:
    private = base / "private"
    private.mkdir(mode=0o700)
    secret = private / "secret.txt"
    secret.write_bytes(b"root only\n")
    os.chmod(secret, 0o600)
    return secret


def test_a_staff_account_swapping_temp_files_never_reaches_a_root_only_file(
    staff: Account, shared_tree: Path
) -> None:
    secret = _secret(shared_tree)
    before = (secret.read_bytes(), os.stat(secret).st_mode, os.stat(secret).st_ino)
    exports = shared_tree / "exports"
    exports.mkdir()
    os.chown(exports, 0, staff.gid)
    os.chmod(exports, 0o770)  # the practice's shared folder: the staff group may write it
    data_file = shared_tree / "data" / "authtrack.json"
    data_file.parent.mkdir(mode=0o700)
    store = Store(data_file, user="root")
    build_demo(store, today=TODAY)
    full = store.snapshot()
    few = dict(list(full.authorizations.items())[:4])  # a small practice: many quick writes
    clients = {a.client: full.clients[a.client] for a in few.values()}
    data = Data(payers=full.payers, clients=clients, authorizations=few)
    report = build("expiring", data, TODAY)
    log = workbook(shared_tree / "data" / "log.xlsx", [log_row()])
    stop, ready = shared_tree / "stop", exports / "ready"
    python, _ = python_env_for_others()
    swapper = subprocess.Popen(
        [python, "-S", "-c", SWAPPER, str(exports), str(secret), str(stop), str(ready)],
        stdout=subprocess.PIPE,
        text=True,
        **staff.popen_kwargs(),  # type: ignore[arg-type]
    )
    try:
        while not ready.exists():  # the swapper is running before the first write
            assert swapper.poll() is None, "the staff account's swapper could not start"
        written = refused = 0
        for i in range(TRIES):
            target = exports / f"out{i % 3}.xlsx"
            try:
                if i % 3 == 0:
                    export_workbook(data, target, today=TODAY)
                elif i % 3 == 1:
                    write_report(report, target)
                else:
                    write_back(data, log, today=TODAY, out=target)
                written += 1
            except (WorkbookError, ReportExportError) as e:
                assert "tampered with" in str(e) or "symbolic link" in str(e), e
                refused += 1
            assert not target.is_symlink()
            assert (secret.read_bytes(), os.stat(secret).st_mode) == before[:2]
    finally:
        stop.touch()
        (exports / "wake").touch()  # an event, so that the swapper sees STOP
        out, _ = swapper.communicate(timeout=30)
    assert (secret.read_bytes(), os.stat(secret).st_mode, os.stat(secret).st_ino) == before
    assert written + refused == TRIES
    print(f"{written} written, {refused} refused (tampering seen), {out.strip()} swaps")
    for path in exports.glob("out*.xlsx"):  # what was written is root's, never world-readable
        assert path.stat().st_mode & 0o007 == 0


def test_a_temp_file_swapped_mid_write_is_caught_and_nothing_goes_through_the_link(
    tmp_path: Path,
) -> None:
    """The same attack, deterministic: the swap happens while the content is being written."""
    secret = _secret(tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "report.xlsx"

    def fill(f: object) -> None:
        (temp,) = folder.glob(safefile.temp_glob(target.name))
        temp.unlink()
        temp.symlink_to(secret)
        f.write(b"workbook bytes")  # type: ignore[attr-defined]

    with pytest.raises(safefile.UnsafeWrite, match="tampered with"):
        safefile.write_atomic(target, fill)
    assert secret.read_bytes() == b"root only\n" and os.stat(secret).st_mode & 0o777 == 0o600
    assert not target.exists() and not target.is_symlink()


def test_symlinked_targets_and_open_folders_are_refused_in_a_sentence(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    link = tmp_path / "export.xlsx"
    link.symlink_to(secret)
    with pytest.raises(safefile.UnsafeWrite, match="is a symbolic link"):
        safefile.write_bytes(link, b"x")
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    os.chmod(open_folder, 0o777)
    with pytest.raises(safefile.UnsafeWrite, match="can be changed by every account"):
        safefile.write_bytes(open_folder / "a.xlsx", b"x")
    os.chmod(open_folder, 0o1777)  # sticky, like /tmp: a new name of ours is fine
    safefile.write_bytes(open_folder / "a.xlsx", b"x")
    assert (open_folder / "a.xlsx").read_bytes() == b"x"
    assert secret.read_bytes() == b"root only\n"


def test_a_file_of_another_account_in_a_sticky_folder_is_not_replaced(
    staff: Account, shared_tree: Path
) -> None:
    folder = shared_tree / "tmp"
    folder.mkdir()
    os.chmod(folder, 0o1777)
    theirs = folder / "export.xlsx"
    theirs.write_bytes(b"theirs")
    os.chown(theirs, staff.uid, staff.gid)
    with pytest.raises(safefile.UnsafeWrite, match="belongs to another account"):
        safefile.write_bytes(theirs, b"ours")
    assert theirs.read_bytes() == b"theirs"


def test_a_folder_planted_at_temp_names_blocks_no_save(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Temporary names are unpredictable and made exclusively; planted entries are stepped around
    and listed for doctor, never removed or used."""
    data_file = tmp_path / "authtrack.json"
    store = Store(data_file, user="alice")
    build_demo(store, today=TODAY)
    planted = tmp_path / ".authtrack.json.0123456789abcdef.tmp"
    planted.mkdir()
    link = tmp_path / ".authtrack.json.fedcba9876543210.tmp"
    link.symlink_to(tmp_path / "elsewhere")
    Tracker(Store(data_file, user="alice"), today=TODAY).save_payer(Payer(name="Planted Co"))
    assert any(p.name == "Planted Co" for p in Store(data_file).snapshot().payers.values())
    assert planted.is_dir() and link.is_symlink()
    assert safefile.strangers(data_file) == [planted, link]
    names = {p.name for p in tmp_path.glob(".authtrack.json.*.tmp")}
    assert names == {planted.name, link.name}  # no temporary file of ours is left behind
    from authtrack.cli import main

    assert main(["--db", str(data_file), "doctor"]) == 1
    out = capsys.readouterr().out
    assert f"{planted} is a folder named like authtrack's temporary files" in out
    assert f"{link} is a link named like authtrack's temporary files" in out


def test_init_again_never_hands_its_chown_to_a_planted_link(
    staff: Account, shared_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from authtrack.cli import main

    secret = _secret(shared_tree)
    folder, config = shared_tree / "srv", shared_tree / "etc" / "config.toml"
    init = ["init", "--shared", str(folder), "--group", staff.name, "--config", str(config)]
    assert main(init) == 0
    capsys.readouterr()
    lock = folder / "authtrack.json.lock"
    lock.unlink()
    lock.symlink_to(secret)  # what a staff member in the group can do in the shared folder
    before = os.stat(secret)
    assert main(init) == 2
    err = capsys.readouterr().err
    assert f"{lock} is a symbolic link" in err and err.count("\n") == 1
    after = os.stat(secret)
    assert (after.st_mode, after.st_uid, after.st_gid) == (
        before.st_mode,
        before.st_uid,
        before.st_gid,
    )
    assert secret.read_bytes() == b"root only\n"
