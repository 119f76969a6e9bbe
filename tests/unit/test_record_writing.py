"""Records as orjson writes them for the store: their fields, in order, whether or not the
store's writing flag (priorauth.model.WRITING) lets a record answer orjson's look for a
``__dict__``; outside the store's writes a record has no ``__dict__`` at all."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import orjson
import pytest

from priorauth.model import (
    WRITING,
    Authorization,
    CapPeriod,
    Client,
    ClientInsurance,
    Dismissal,
    Payer,
    PracticeSettings,
    ProcedureGroup,
    Record,
    Service,
    ServiceLine,
    ServiceStatus,
)
from priorauth.store.tables import dump_docs

D = dt.date(2026, 1, 1)
RECORDS = [
    Payer(id=3, name="Aetna"),
    ProcedureGroup(id=4, name="Personal Care", codes=["T1019"]),
    Client(id=5, first_name="Ann", dob=D, insurances=[ClientInsurance(payer_id=3, start_date=D)]),
    Authorization(
        id=6,
        client=5,
        payer=3,
        start_date=D,
        cap_period=CapPeriod.WEEK,
        lines=[ServiceLine(codes=["97153"], units_authorized=12.5)],
    ),
    Service(id=7, client=5, payer=3, date=D, status=ServiceStatus.KEPT, note='a "quote"'),
    Dismissal(id=8, user="bo", key="k", fingerprint="f", until=D),
    PracticeSettings(id=9),
]


def _fields_of(value: object) -> object:
    """A record (or a part of one) as a plain dict, read field by field."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _fields_of(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_fields_of(v) for v in value]
    return value


def _record_classes() -> set[type]:
    found, todo = set(), [Record]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return found


def test_every_record_class_is_written_as_its_fields_in_order() -> None:
    assert {type(r) for r in RECORDS} == _record_classes()
    for record in RECORDS:
        plain = orjson.dumps(_fields_of(record))
        assert orjson.dumps(record) == plain  # (the flag off: as orjson always wrote them)
        assert dump_docs({record.id: record}) == f'"{record.id}":'.encode() + plain
    assert not WRITING.on


def test_outside_the_stores_writes_a_record_has_no_dict() -> None:
    for record in RECORDS:
        assert not hasattr(record, "__dict__")
        with pytest.raises(TypeError):
            vars(record)


def test_the_flag_is_the_writing_threads_own() -> None:
    seen: list[bool] = []
    WRITING.on = True
    try:
        other = threading.Thread(target=lambda: seen.append(hasattr(RECORDS[0], "__dict__")))
        other.start()
        other.join()
        assert hasattr(RECORDS[0], "__dict__")
    finally:
        WRITING.on = False
    assert seen == [False]
