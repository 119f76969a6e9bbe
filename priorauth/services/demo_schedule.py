"""The demo practice's schedule: its sessions as the scheduler exports them.

:func:`schedule` gives each session the demo recorded what an appointment list says of it — an
appointment id, a start time, the rendering provider, a status (checked out, completed or kept
when past, scheduled when future) — and adds, on other days, the appointments that did not happen
(cancelled, no-show, late cancel, rescheduled). ``authtrack demo`` records these services, and
``sample_workbooks/appointments_export.xlsx`` is written from them (samplegen/appointments.py),
so the demo and the sample agree: importing the sample into a fresh demo changes nothing.

It draws from its own random generator, so the rest of the demo is as it was without it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping

from priorauth.model import Client, Service, ServiceStatus

SOURCE = "demo scheduler"  # the services' source: imported from the (demo) schedule
PROVIDERS = {"mlopez": "Lopez, Maria", "jchen": "Chen, James", "aokafor": "Okafor, Ada"}
OTHER_PROVIDER = "Demo, Therapist"
KEPT = (
    ServiceStatus.CHECKED_OUT,
    ServiceStatus.CHECKED_OUT,
    ServiceStatus.COMPLETED,
    ServiceStatus.KEPT,
)
DID_NOT_HAPPEN = (
    ServiceStatus.CANCELLED,
    ServiceStatus.NO_SHOW,
    ServiceStatus.LATE_CANCEL,
    ServiceStatus.RESCHEDULED,
)
HOURS = (8, 9, 10, 11, 13, 14, 15, 16)
MINUTES = (0, 0, 15, 30)


def provider(clinician: str) -> str:
    """The provider as the scheduler writes the client's clinician."""
    return PROVIDERS.get(clinician, OTHER_PROVIDER)


def schedule(
    sessions: Iterable[Service], clients: Mapping[int, Client], today: dt.date, seed: int
) -> list[Service]:
    """The sessions with their appointment details, and the appointments that did not happen,
    in date and time order, numbered SCH-00001 onwards. ``clients`` by record id."""
    rng = random.Random(seed)
    out: list[Service] = []
    taken = {(s.client, s.date) for s in sessions}
    for session in sorted(sessions, key=lambda s: (s.date, s.client)):
        client = clients[session.client]
        session.status = ServiceStatus.SCHEDULED if session.date > today else rng.choice(KEPT)
        _appoint(rng, session, client)
        out.append(session)
        if rng.random() < 0.25:  # a few days later, an appointment that did not happen
            day = session.date + dt.timedelta(days=rng.choice((1, 2, 3)))
            if (session.client, day) not in taken:
                taken.add((session.client, day))
                missed = Service(
                    client=session.client,
                    payer=session.payer,
                    date=day,
                    procedure_code=session.procedure_code,
                    units=session.units,
                    recorded_by=session.recorded_by,
                    status=rng.choice(DID_NOT_HAPPEN),
                )
                _appoint(rng, missed, client)
                out.append(missed)
    out.sort(key=lambda s: (s.date, s.time, clients[s.client].name))
    for n, service in enumerate(out, 1):
        service.appointment_id = f"SCH-{n:05d}"
    return out


def _appoint(rng: random.Random, service: Service, client: Client) -> None:
    service.time = f"{rng.choice(HOURS):02d}:{rng.choice(MINUTES):02d}"
    service.provider = provider(client.clinician)
    service.source = SOURCE
