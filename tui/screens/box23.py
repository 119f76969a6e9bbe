"""Box 23 for a date of service (``b`` on the client screen): the primary, secondary and tertiary
claim's number for that day (and a code), and when the day's services need a split claim."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from priorauth import coverage, service_lines, validate
from priorauth.box23 import box23, covering_on_day, day_codes
from priorauth.data import Data
from priorauth.model import Client, Priority
from tui import fmt, parse

if TYPE_CHECKING:
    from tui.app import AuthTrackApp


def box23_text(data: Data, client: Client, day: dt.date, code: str | None) -> Text:
    """Each claim's box 23 for ``day`` (and ``code``), said in words."""
    text = Text()
    recorded = day_codes(data, client, day)
    codes = [*recorded, code] if code and code not in recorded else recorded
    seen = ", ".join(recorded) if recorded else "none recorded"
    asked = f" · code asked: {code}" if code and code not in recorded else ""
    text.append(f"{fmt.long_date(day)} · services that day: {seen}{asked}\n")
    boxes = box23(data, client, day, code)
    in_force = {ins.priority for ins in coverage.coverages_in_force(client, day)}
    for priority in Priority:
        text.append(f"\n{priority.value.capitalize():9} ", style="bold")
        box = boxes.get(priority)
        if box is None:
            text.append("no insurance in force" if priority not in in_force else "—")
            continue
        payer_id = box.insurance.payer_id
        text.append(f"{fmt.truncate(data.payer_name(payer_id), 24)} · box 23: ")
        split = box.split_sentence
        covering = covering_on_day(data, client, payer_id, day) if not codes else []
        if split and not code:
            text.append("split the claim", style="bold")
            text.append(f"\n{'':10}{split.removeprefix('Split the claim: ')}")
        elif len({a.auth_number for a in covering}) > 1:
            said = ", ".join(
                f"{a.auth_number or '(no number)'} for {fmt.codes(service_lines.all_codes(a))}"
                for a in covering
            )
            text.append("depends on the code", style="bold")
            text.append(f"\n{'':10}{said}: type the code.")
        else:
            text.append(box.value or "blank", style="bold")
            if not box.value or box.inactive:
                text.append(f" ({box.note})")
            if split:
                text.append(f"\n{'':10}{split}")
    return text


class Box23Dialog(ModalScreen[None]):
    """Type a date of service (and a code): each claim's box 23 shows as you type."""

    BINDINGS: ClassVar = [Binding("escape", "close", "Close", id="box23_close")]

    def __init__(self, client: Client, day: dt.date, code: str = "") -> None:
        super().__init__(classes="dialog")
        self.client, self.day, self.code = client, day, code

    @property
    def at(self) -> AuthTrackApp:
        return cast("AuthTrackApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box -box23"):
            yield Label(Text(f"Box 23 for {self.client.name}"), classes="dialog-title")
            with Horizontal(classes="field-line"):
                yield Label("Date", classes="field-label")
                yield Input(fmt.date(self.day), id="box23-date", compact=True)
            with Horizontal(classes="field-line"):
                yield Label("Code", classes="field-label")
                yield Input(
                    self.code,
                    placeholder="blank: the day's services",
                    id="box23-code",
                    compact=True,
                )
            yield Static(id="box23-error", classes="box23-error")
            yield Static(id="box23-result", classes="dialog-body")
            yield Static(
                Text.assemble(("tab", "bold"), " next field   ", ("esc", "bold"), " close"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#box23-date", Input).focus()
        self.show()

    @on(Input.Changed)
    def _typed(self) -> None:
        self.show()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.focus_next()

    def show(self) -> None:
        """Read the date and code; show each claim's box 23, or what is wrong with them."""
        data = self.at.data
        error = self.query_one("#box23-error", Static)
        result = self.query_one("#box23-result", Static)
        if data is None:
            return
        problem = ""
        try:
            day = parse.parse_date(self.query_one("#box23-date", Input).value, self.at.today)
        except ValueError as e:
            day, problem = None, str(e)
        code = validate.normalize_code(self.query_one("#box23-code", Input).value.strip())
        if code and not problem and (bad := validate.check_code(code)) is not None:
            problem = str(bad)
        if day is None and not problem:
            problem = "Type the date of service, e.g. 11/23/2026 or today."
        error.update(Text(problem))
        error.display = bool(problem)
        result.display = not problem
        if problem or day is None:
            return
        client = data.clients.get(self.client.id, self.client)
        result.update(box23_text(data, client, day, code or None))

    def action_close(self) -> None:
        self.dismiss(None)
