"""The service lines of the authorization form: each line's widgets, reading them back as a
:class:`~priorauth.model.ServiceLine`, and the checks that name the line ("line 2 (97155): ...").

Line 1 is the form's own fields (codes, units, visits, cap, used before tracking), so a one-line
authorization is filled in as quickly as ever; lines 2 and on are blocks of the same fields whose
widget ids end in ``_l2``, ``_l3``... (:func:`widget_id`). The form reads and writes lines only
through :mod:`priorauth.usage` (``lines_of``, ``with_lines``)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Select

from priorauth import grammar, validate
from priorauth.errors import ValidationError
from priorauth.model import (
    CapMeasure,
    CapPeriod,
    LineMeasure,
    ProcedureGroup,
    ServiceLine,
)
from tui.forms.base import line_row

# a line's values by key -> the widget id of line 1 (the form's own fields)
LINE_KEYS = {
    "codes": "procedure_codes",
    "group": "group",
    "units": "units_authorized",
    "visits": "visits_authorized",
    "measure": "measure",
    "carried_units": "carried_units_used",
    "carried_visits": "carried_visits_used",
    "cap_amount": "cap_amount",
    "cap_period": "cap_period",
    "cap_measure": "cap_measure",
}
# the row (``#field-<row>``) that shows a key's problems, on line 1 and on later lines
ROW_OF_KEY_1 = {
    "codes": "procedure_codes",
    "group": "group",
    "units": "units_authorized",
    "measure": "units_authorized",
    "visits": "visits_authorized",
    "carried_units": "carried_units_used",
    "carried_visits": "carried_visits_used",
    "cap_amount": "cap",
    "cap_period": "cap",
    "cap_measure": "cap",
}
ROW_OF_KEY_N = {
    "codes": "codes",
    "group": "codes",
    "units": "counts",
    "measure": "counts",
    "visits": "counts",
    "carried_units": "carried",
    "carried_visits": "carried",
    "cap_amount": "cap",
    "cap_period": "cap",
    "cap_measure": "cap",
}
MEASURES = [("units", LineMeasure.UNITS), ("hours", LineMeasure.HOURS)]
CAP_PERIODS = [("week", CapPeriod.WEEK), ("month", CapPeriod.MONTH)]
CAP_MEASURES = [("units", CapMeasure.UNITS), ("visits", CapMeasure.VISITS)]


def widget_id(key: str, number: int) -> str:
    """Line ``number``'s widget id for ``key`` ("units_authorized", "units_authorized_l2")."""
    base = LINE_KEYS[key]
    return base if number == 1 else f"{base}_l{number}"


def row_id(key: str, number: int) -> str:
    """The form row (``#field-<row>``) showing line ``number``'s problems with ``key``."""
    return ROW_OF_KEY_1[key] if number == 1 else f"{ROW_OF_KEY_N[key]}_l{number}"


def line_of_widget(widget_id_: str) -> tuple[str, int] | None:
    """(key, line number) of a line's widget id; None for a field of the whole authorization."""
    base, sep, tail = widget_id_.rpartition("_l")
    number = int(tail) if sep and tail.isdigit() else 1
    name = base if sep and tail.isdigit() else widget_id_
    for key, first in LINE_KEYS.items():
        if first == name:
            return key, number
    return None


def line_title(number: int) -> str:
    return f"Line {number}  (ctrl+r removes the line the cursor is in)"


def count_text(value: float | None) -> str:
    """A count as a field shows it: blank for none, 12, or 7.5 (hours)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def group_choice(line: ServiceLine, groups: list[ProcedureGroup]) -> int | object:
    """The group to show chosen for ``line``: the one it was given as, else one with its codes."""
    for g in groups:
        if line.group and g.name == line.group:
            return g.id
    if line.codes:
        for g in groups:
            if g.codes == line.codes:
                return g.id
    return Select.NULL


def group_name(
    chosen: ProcedureGroup | None,
    codes: list[str],
    was: ServiceLine | None,
    groups: list[ProcedureGroup],
) -> str:
    """The group a line is given as: the one chosen while its codes are the group's; a line
    whose codes are unchanged keeps the group it had (a group a log named, codes to come) —
    also when the form only showed a group because its codes are the group's: saving an edit
    of the units never names a group nobody chose."""
    unchanged = was is not None and was.codes == codes
    shown = group_choice(was, groups) if unchanged and was is not None else None
    if chosen is not None and shown == chosen.id and was is not None:  # as the form opened
        return was.group
    if chosen is not None and (chosen.codes == codes or unchanged):
        return chosen.name
    return was.group if unchanged and chosen is None and was is not None else ""


def _row(name: str, label: str, *widgets: Widget) -> Horizontal:
    return line_row(name, Label(Text(label), classes="field-label"), *widgets)


def line_block(number: int, line: ServiceLine, groups: list[ProcedureGroup]) -> Vertical:
    """The widgets of line ``number`` (2 and on): codes or a group, counts, used, cap."""
    n = number

    def wid(key: str) -> str:
        return widget_id(key, n)

    return Vertical(
        Label(
            Text(line_title(n)),
            classes="form-section line-title",
        ),
        _row(
            f"codes_l{n}",
            "Codes",
            Input(
                ", ".join(line.codes),
                placeholder="codes, e.g. 97155",
                compact=True,
                id=wid("codes"),
            ),
            Select(
                [(g.name, g.id) for g in groups],
                value=group_choice(line, groups),
                prompt="(or a group)",
                compact=True,
                id=wid("group"),
                classes="line-group",
            ),
        ),
        _row(
            f"counts_l{n}",
            "Units",
            Input(
                count_text(line.units_authorized),
                placeholder="no cap",
                compact=True,
                id=wid("units"),
                classes="line-count",
            ),
            Select(
                MEASURES,
                value=line.measure,
                allow_blank=False,
                compact=True,
                id=wid("measure"),
                classes="line-measure",
            ),
            Label(" visits ", classes="cap-word"),
            Input(
                count_text(line.visits_authorized),
                placeholder="no cap",
                compact=True,
                id=wid("visits"),
                classes="line-count",
            ),
        ),
        _row(
            f"carried_l{n}",
            "Used before",
            Input(
                count_text(line.carried_units_used),
                compact=True,
                id=wid("carried_units"),
                classes="line-count",
            ),
            Label(" units ", classes="cap-word"),
            Input(
                count_text(line.carried_visits_used),
                compact=True,
                id=wid("carried_visits"),
                classes="line-count",
            ),
            Label(" visits (from the log)", classes="cap-word"),
        ),
        _row(
            f"cap_l{n}",
            "Cap",
            Input(
                count_text(line.cap_amount),
                placeholder="none",
                compact=True,
                id=wid("cap_amount"),
                classes="cap-amount",
            ),
            Label(" per ", classes="cap-word"),
            Select(
                CAP_PERIODS,
                value=line.cap_period or Select.NULL,
                prompt="-",
                compact=True,
                id=wid("cap_period"),
                classes="cap-period",
            ),
            Label(" of ", classes="cap-word"),
            Select(
                CAP_MEASURES,
                value=line.cap_measure,
                allow_blank=False,
                compact=True,
                id=wid("cap_measure"),
                classes="cap-measure",
            ),
        ),
        classes="service-line",
        id=f"line-{n}",
    )


def read_values(screen: Widget | Screen, number: int) -> dict[str, object]:
    """What line ``number``'s widgets hold (by key), to move a line up when one is removed."""
    return {
        key: screen.query_one(f"#{widget_id(key, number)}").value  # type: ignore[attr-defined]
        for key in LINE_KEYS
    }


def write_values(screen: Widget | Screen, number: int, values: dict[str, object]) -> None:
    """Put ``values`` (from :func:`read_values`) in line ``number``'s widgets (the group first:
    the codes typed stay as they were)."""
    for key in ("group", *[k for k in LINE_KEYS if k != "group"]):
        screen.query_one(f"#{widget_id(key, number)}").value = values[key]  # type: ignore[attr-defined]


def line_label(line: ServiceLine) -> str:
    """How a line is named in a problem: its group, else its codes."""
    return line.group or ", ".join(line.codes) or "no codes"


def line_name(number: int, line: ServiceLine | None, codes_text: str = "") -> str:
    """ "line 2 (97155)": how a problem names its line."""
    label = line_label(line) if line is not None else (codes_text.strip() or "no codes")
    return f"line {number} ({label})"


def read_count(
    text: str,
    what: str,
    *,
    fractions: bool,
    blank: int | None,
    prefix: str,
    field: str,
    problems: list[ValidationError],
) -> float | None:
    """A line's count as typed; a problem (named by ``prefix``) is added to ``problems``."""
    try:
        value = grammar.count(text, what, no_cap=blank is None, fractions=fractions)
    except ValueError as e:
        problems.append(ValidationError(prefix + str(e), field))
        return blank
    return blank if value is None else value


def line_problems(lines: list[ServiceLine]) -> list[tuple[int, str, str]]:
    """(line number, key, sentence) for what is wrong across ``lines`` that reading each field
    cannot say: a line of several without codes, a code two lines hold, a bad code, a cap on a
    line without counts (one line: the sentence names no line, as the form always did)."""
    found: list[tuple[int, str, str]] = []
    several = len(lines) > 1
    held: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        name = f"{line_name(number, line)}: " if several else ""
        if several and not line.codes:
            found.append(
                (
                    number,
                    "codes",
                    f"{name}an authorization of several lines needs each line's codes; type "
                    "them or pick a group.",
                )
            )
        for code in line.codes:
            problem = validate.check_code(code) if several else None  # (one line: the domain's)
            if problem is not None:
                found.append((number, "codes", f"{name}{problem}"))
            elif code in held:
                found.append(
                    (
                        number,
                        "codes",
                        f"{name}{code} is already on line {held[code]}; list each code on one "
                        "line.",
                    )
                )
            else:
                held[code] = number
        if line.cap_amount is not None:
            if line.units_authorized is None and line.visits_authorized is None:
                text = (
                    "a weekly or monthly cap needs units or visits authorized; type them or "
                    "clear the cap."
                )
                found.append((number, "cap_amount", f"{name}{text}" if name else text.capitalize()))
            elif several and line.cap_period not in (CapPeriod.WEEK, CapPeriod.MONTH):
                found.append(
                    (number, "cap_period", f"{name}say whether the cap is per week or per month.")
                )
    return found
