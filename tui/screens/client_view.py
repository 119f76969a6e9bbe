"""How the client tracker shows an authorization: its row, its usage, its details; and a
service's row. Presentation only: the numbers come from :mod:`priorauth.rules`."""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from priorauth import rules, service_lines
from priorauth.data import Data
from priorauth.model import Authorization, RequestStatus, Service
from tui import fmt
from tui.rows import AuthRow, LineRow, cap_words, line_key
from tui.table import Cell, Col

# Auth numbers and counts are never cut (fit); the payer's name gives way first.
AUTH_COLUMNS = [
    Col("number", "Auth #", 8, fit=True),
    Col("payer", "Payer", 7, flex=2),
    Col("codes", "Codes", 12, flex=2, hide_below=100),
    Col("start", "Start", 8),
    Col("end", "End", 8),
    Col("units", "Units used", 9, fit=True, short="Units"),
    Col("visits", "Visits used", 9, fit=True, short="Visits"),
    Col("state", "State", 6),
    Col("remind", "Rem.", 4),
]
SERVICE_COLUMNS = [
    Col("date", "Date", 8),
    Col("code", "Code", 9),
    Col("units", "Units", 5, align="right"),
    Col("state", "", 6),
    Col("against", "Counts against", 9, fit=True, short="Against"),
    Col("by", "By", 6, flex=1),
    Col("note", "Note", 10, flex=3),
]


def state_text(row: AuthRow) -> tuple[str, str]:
    """The State column: where the authorization stands, and its style level."""
    if row.status == RequestStatus.DENIED:
        return "denied", "muted"
    if row.status == RequestStatus.REQUESTED:
        return "req'd", "flag"
    if row.status == RequestStatus.PENDING:
        return "pend.", "flag"
    if row.ended:
        return "ended", "out" if row.active else "muted"
    return ("active", "ok") if row.active else ("off", "muted")


_n = fmt.number


def usage_cell(
    used: float, authorized: float | None, level: str, *, always_bar: bool = False
) -> Cell:
    if authorized is None:
        return (f"{_n(used)} no cap", "")
    counts = f"{_n(used)}/{_n(authorized)}"
    if (
        len(counts) > 6 and not always_bar
    ):  # ABA-size counts (1234/1234): the numbers, without the bar
        return (counts, level)
    fraction = used / authorized if authorized else 1.0
    return (f"{fmt.bar(fraction, 3)} {counts}", level)


def auth_cells(row: AuthRow) -> list[Cell]:
    muted = "muted" if row.folded or not row.active else ""
    use = row.usage
    return [
        (row.number, "flag" if row.number.endswith(" C") and not muted else muted),
        (row.payer, muted),
        (fmt.codes(list(row.codes)), muted),
        (fmt.date(row.start, short=True), muted),
        (fmt.date(row.end, short=True, blank="open"), muted or row.end_level),
        usage_cell(use.units_used, use.units_authorized, muted or row.units_level),
        usage_cell(use.visits_used, use.visits_authorized, muted or row.visits_level),
        state_text(row),
        ("—" if row.reminder_days is None else f"{row.reminder_days}d", muted),
    ]


LINE_MARK = "└ "  # a service line's row, under its authorization's


def line_cells(row: AuthRow, line: LineRow) -> list[Cell]:
    """A row under an authorization of several lines: the line's codes, its bar and counts."""
    muted = "muted" if row.folded or not row.active else ""
    use = line.usage
    return [
        (LINE_MARK + fmt.truncate(line.label, 8), muted),
        # (in the payer's column: the detail panel has no room for it)
        (line.cap, "muted" if line.cap else ""),
        ("", ""),
        ("", ""),
        ("", ""),
        usage_cell(
            use.units_used, use.units_authorized, muted or line.units_level, always_bar=True
        ),
        usage_cell(
            use.visits_used, use.visits_authorized, muted or line.visits_level, always_bar=True
        ),
        ("", ""),
        ("", ""),
    ]


def auth_table_rows(rows: list[AuthRow]) -> list[tuple[str, list[Cell]]]:
    """The authorization table's rows: each authorization, then each of its lines when it has
    several (keyed "id/line", so a line's row selects its authorization)."""
    out: list[tuple[str, list[Cell]]] = []
    for r in rows:
        out.append((str(r.id), auth_cells(r)))
        out.extend((line_key(r.id, line.index), line_cells(r, line)) for line in r.lines)
    return out


_NOT_COUNTED = {
    "cancelled": "cancel",
    "no-show": "noshow",
    "late cancel": "late",
    "rescheduled": "resch.",
}
UNCOVERED = "⚠ nothing"  # a service no authorization covers: said in words, not only in colour


def service_cells(
    service: Service, today: dt.date, against: Authorization | None = None
) -> list[Cell]:
    """A service's row; ``against``: the authorization it counts against (None: nothing). One
    that counts nothing (cancelled, no-show...) says so, muted, and counts against nothing."""
    scheduled = service.date > today
    level = "muted" if scheduled or not service.counts else ""
    if not service.counts:
        state = (_NOT_COUNTED.get(service.status.value, service.status.value), "muted")
    else:
        state = ("sched." if scheduled else "", "flag" if scheduled else "")
    return [
        (fmt.date(service.date, short=True), level),
        (service.procedure_code or "—", level),
        (str(service.units), level),
        state,
        (against.auth_number or "(no number)", level)
        if against
        else ("—", "muted")
        if not service.counts
        else (UNCOVERED, "out"),
        (service.recorded_by, level),
        (service.note, level),
    ]


def _count_text(
    text: Text,
    label: str,
    counts: tuple[float, float, float | None, float | None, float | None],
) -> None:
    """One count's line: its bar, used, scheduled and left ("no cap" without a cap)."""
    used, scheduled, remaining, after, authorized = counts
    if text:
        text.append("\n")
    text.append(f"{label} ", style="bold")
    if authorized is None:
        text.append(f"{_n(used)} used · {_n(scheduled)} scheduled · no cap")
        return
    fraction = used / authorized if authorized else 1.0
    text.append(f"{fmt.bar(fraction, 8)} {fmt.percent(fraction):>4}  ")
    text.append(f"{_n(used)} used · {_n(scheduled)} sched. · ")
    left = rules.describe_count(remaining, authorized)  # type: ignore[arg-type]
    text.append(left, style="bold" if remaining is not None and remaining <= 0 else "")
    if scheduled and after is not None:
        text.append(f", {_n(after)} after sched.")


def _units(use: rules.Usage) -> tuple[float, float, float | None, float | None, float | None]:
    return (
        use.units_used,
        use.units_scheduled,
        use.units_remaining,
        use.units_remaining_after_scheduled,
        use.units_authorized,
    )


def _visits(use: rules.Usage) -> tuple[float, float, float | None, float | None, float | None]:
    return (
        use.visits_used,
        use.visits_scheduled,
        use.visits_remaining,
        use.visits_remaining_after_scheduled,
        use.visits_authorized,
    )


def auth_detail(
    data: Data, auth: Authorization, use: rules.Usage, today: dt.date, lines: tuple = ()
) -> Text:
    """Used, scheduled and left for units and visits, with a bar; with several service lines
    (``lines``: :class:`~tui.rows.LineRow`), each line's first, then the total; then the rest in
    words."""
    text = Text()
    if lines:
        width = max(len(fmt.truncate(line.label, 12)) for line in lines)
        for line in lines:
            label = fmt.truncate(line.label, 12).ljust(max(width, 6))
            lu = line.usage
            by_units = lu.units_authorized is not None or lu.visits_authorized is None
            _count_text(text, label, _units(lu) if by_units else _visits(lu))
        pad = max(width, 6)
        _count_text(text, "Total".ljust(pad), _units(use))
        _count_text(text, "Visits".ljust(pad), _visits(use))
    else:
        _count_text(text, "Units ", _units(use))
        _count_text(text, "Visits", _visits(use))
    start = fmt.date(auth.start_date, blank="no start")
    payer = data.payer_name(auth.payer)
    facts = [f"{payer} {auth.member_id}" if auth.member_id else payer]
    if not lines:  # several lines: each line's codes head its bar above (and the panel is full)
        facts.append(fmt.codes(service_lines.all_codes(auth)))
    facts.append(f"{start}–{fmt.date(auth.end_date, blank='open-ended')}")
    if auth.end_date and auth.end_date >= today:
        facts.append(f"ends {fmt.days_until(auth.end_date, today)}")
    if not lines:  # (several lines: each line's cap is on its row in the table above)
        cap = cap_words(service_lines.lines_of(auth)[0])
        if cap:
            facts.append(cap)
    if auth.confirmed:
        facts.append(auth.confirmation)
    text.append("\n" + " · ".join(facts))
    if auth.status != RequestStatus.APPROVED or auth.requested_on or auth.payer_reference:
        request = [f"Request {auth.status.value}"]
        if auth.requested_on:
            request.append(f"asked {fmt.date(auth.requested_on)}")
        if auth.payer_reference:
            request.append(f"ref {auth.payer_reference}")
        if auth.follow_up_on:
            request.append(f"follow up {fmt.date(auth.follow_up_on)}")
        text.append("\n" + " · ".join(request))
    if auth.notes:
        text.append(f"\nNotes: {auth.notes}")
    return text
