"""A home-care log with one authorization number over several services in hours (issue 12 with
issue 18): with a code column its rows are the authorization's lines, each keeping its hours, its
fractions and its service name; without one, the refusal says what to add."""

from __future__ import annotations

from pathlib import Path

from priorauth import service_lines
from priorauth.model import CapPeriod, LineMeasure
from priorauth.services.tracker import Tracker
from sync.importer import apply_import, plan_import
from tests.helpers import log_styles as styles
from tests.helpers.sync_helpers import TODAY

D = styles.D
HEADER = ["Client", "DOB", "Payer", "Auth #", "Service Type", "CPT", "Start", "End"]
HEADER += ["Total Hrs Auth", "Hrs Used", "Hrs/Wk"]
START, END = D(2026, 10, 1), D(2027, 3, 31)


def _log(path: Path, with_codes: bool = True) -> Path:
    rows = [
        ["Lopez, Ana", D(1940, 2, 2), "Medicaid Waiver", "HC-100", "Personal Care", "T1019"],
        ["Lopez, Ana", D(1940, 2, 2), "Medicaid Waiver", "HC-100", "Respite", "S5150"],
    ]
    counts = [[187.5, 96.25, 10], [48, 12.5, None]]
    table = [HEADER] + [[*r, START, END, *c] for r, c in zip(rows, counts, strict=True)]
    if not with_codes:
        table = [[v for k, v in enumerate(r) if k != 5] for r in table]
    return styles.book(path, {"Home Care": table})


def test_services_in_hours_under_one_number_become_lines_in_hours(
    tracker: Tracker, tmp_path: Path
) -> None:
    path = _log(tmp_path / "home.xlsx")
    plan = plan_import(path, tracker.data(), today=TODAY)
    assert plan.errors == [], [str(e) for e in plan.errors]
    apply_import(tracker, plan)
    (auth,) = tracker.data().authorizations.values()
    lines = service_lines.lines_of(auth)
    assert [(x.codes, x.group, x.measure) for x in lines] == [
        (["T1019"], "Personal Care", LineMeasure.HOURS),
        (["S5150"], "Respite", LineMeasure.HOURS),
    ]
    assert [(x.units_authorized, x.carried_units_used) for x in lines] == [
        (187.5, 96.25),
        (48, 12.5),
    ]
    assert (lines[0].cap_amount, lines[0].cap_period) == (10, CapPeriod.WEEK)
    again = plan_import(path, tracker.data(), today=TODAY)
    assert again.errors == [] and not again.has_changes


def test_services_in_words_under_one_number_without_codes_say_what_to_add(
    tracker: Tracker, tmp_path: Path
) -> None:
    plan = plan_import(_log(tmp_path / "home.xlsx", with_codes=False), tracker.data(), today=TODAY)
    (error,) = [str(e) for e in plan.errors]
    assert "row 3" in error and "already on row 2" in error
    assert "(Respite)" in error and "add a CPT or HCPCS column" in error, error
