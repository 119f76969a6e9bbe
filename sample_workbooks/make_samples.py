"""Write the sample authorization logs in this folder (synthetic people, no real patient data).

Each imitates a house style a practice might really keep, with the messiness DESIGN.md lists:
titles above the header, abbreviated and grouped headers, names on the first row of a client
only, dates as real dates / serial numbers / text, numbers stored as text, several codes per
cell, blank and total rows, formulas without cached values, the 1904 date system, an
instructions sheet, an old archive sheet. What each holds, and how it says it, is in the
``samplegen`` package beside this script (one module per house style). Run from the repository
root:

    .venv/bin/python sample_workbooks/make_samples.py

The .ods and .xls copies are converted from an .xlsx by LibreOffice when ``soffice`` is
installed (they are committed, so the tests do not need it).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from samplegen import (
    aba_agency,
    aba_lines,
    appointments,
    front_desk,
    group_practice,
    mac_1904,
    solo_therapist,
)
from samplegen.common import restamp

HERE = Path(__file__).resolve().parent


def convert(source: Path, target: Path, filter_name: str) -> bool:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print(f"soffice not found: {target.name} left as it is")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [soffice, "--headless", "--convert-to", filter_name, "--outdir", tmp, str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        produced = next(Path(tmp).glob(f"{source.stem}.*"))
        shutil.move(produced, target)
    return True


def main() -> None:
    front_desk.write(HERE / "front_desk_log.xlsx")
    aba_agency.write(HERE / "aba_agency_tracker.xlsx")
    aba_lines.write(HERE / "aba_service_lines.xlsx")
    group_practice.write(HERE / "group_practice_2026.xlsx")
    mac_1904.write(HERE / "mac_1904_log.xlsx")
    appointments.write(HERE / "appointments_export.xlsx")
    appointments.write_csv(HERE / "appointments_export.csv")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "solo_therapist.xlsx"
        solo_therapist.write(source)
        if convert(source, HERE / "solo_therapist.ods", "ods"):
            restamp(HERE / "solo_therapist.ods")  # the same bytes on every run
        convert(source, HERE / "solo_therapist.xls", "xls:MS Excel 97")
    print(f"samples written to {HERE}")


if __name__ == "__main__":
    main()
