"""A practice with service lines, for the TUI's tests and for trying it by hand: an ABA client
with one authorization of three lines, and a client with an occupational-therapy and a speech
authorization of one payer, both active, with one service of each on the same day."""

from __future__ import annotations

import datetime as dt

from priorauth import service_lines
from priorauth.model import (
    Authorization,
    Client,
    ClientInsurance,
    Payer,
    Priority,
    Service,
    ServiceLine,
)
from priorauth.services.tracker import Tracker


def aba_lines() -> list[ServiceLine]:
    return [
        ServiceLine(codes=["97153"], units_authorized=320),
        ServiceLine(codes=["97155"], units_authorized=40),
        ServiceLine(codes=["97156"], units_authorized=12, visits_authorized=12),
    ]


def add_service_line_practice(tracker: Tracker, today: dt.date) -> dict[str, object]:
    """Payer "Medicaid Kids"; client Baker, Bo (ABA-1: 97153 320 units, 97155 40, 97156 12
    units and 12 visits, services on each line) and client Diaz, Dee (OT-200 for 97530 and
    SLP-100 for 92507, both active, a service of each on ``today - 2``)."""
    payer = tracker.save_payer(Payer(name="Medicaid Kids"))
    start = today - dt.timedelta(days=60)
    end = today + dt.timedelta(days=120)

    def client(first: str, last: str) -> Client:
        return tracker.save_client(
            Client(
                first_name=first,
                last_name=last,
                dob=dt.date(2018, 5, 1),
                insurances=[
                    ClientInsurance(payer_id=payer.id, priority=Priority.PRIMARY, member_id="MK1")
                ],
            )
        )

    bo, dee = client("Bo", "Baker"), client("Dee", "Diaz")
    aba = Authorization(client=bo.id, payer=payer.id, auth_number="ABA-1")
    aba.start_date, aba.end_date = start, end
    aba = tracker.save_authorization(service_lines.with_lines(aba, aba_lines())).authorization
    for days_ago, code, units in (
        (30, "97153", 120),
        (20, "97153", 80),
        (20, "97155", 36),
        (10, "97156", 2),
        (-3, "97153", 8),  # scheduled
    ):
        day = today - dt.timedelta(days=days_ago)
        tracker.record_service(
            Service(client=bo.id, payer=payer.id, date=day, procedure_code=code, units=units)
        )
    auths = {}
    for number, code in (("OT-200", "97530"), ("SLP-100", "92507")):
        auth = Authorization(
            client=dee.id,
            payer=payer.id,
            auth_number=number,
            procedure_codes=[code],
            units_authorized=24,
            start_date=start,
            end_date=end,
        )
        auths[number] = tracker.save_authorization(auth).authorization
        tracker.record_service(
            Service(
                client=dee.id,
                payer=payer.id,
                date=today - dt.timedelta(days=2),
                procedure_code=code,
                units=1,
            )
        )
    return {"payer": payer, "bo": bo, "dee": dee, "aba": aba, **auths}
