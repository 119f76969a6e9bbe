"""The generated record builders: every field as ``__init__`` would set it (enums looked up by
value, texts interned, empty texts as they are), and a document that does not fit (an unknown
enum value, a mistyped field) named by the schema check instead of half-built."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priorauth.errors import DataFileError
from priorauth.model import Authorization, RequestStatus, Service, ServiceStatus, field_values
from priorauth.store.codec import from_doc, to_doc

TEXT = st.text(max_size=12)
SERVICES = st.builds(
    Service,
    id=st.integers(1, 10**6),
    client=st.integers(1, 10**4),
    payer=st.integers(1, 50),
    date=st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)),
    procedure_code=TEXT,
    units=st.integers(0, 500),
    authorization=st.none() | st.integers(1, 10**5),
    recorded_by=TEXT,
    note=TEXT,
    status=st.sampled_from(ServiceStatus),
    time=TEXT,
)


@given(SERVICES)
def test_a_service_round_trips_through_its_document(service: Service) -> None:
    built = from_doc(Service, service.id, to_doc(service))
    assert built == service and type(built.status) is ServiceStatus
    assert field_values(built) == field_values(service)  # the same fields, in the same order
    assert not hasattr(built, "__dict__")  # (__slots__: the agency's records take 40 MB less)


def test_texts_are_shared_and_enums_are_members() -> None:
    doc = to_doc(Service(client=1, payer=2, date=dt.date(2026, 1, 5), recorded_by="jchen"))
    doc["recorded_by"] = "".join(["jc", "hen"])  # a text not shared with the literal
    a, b = from_doc(Service, 1, doc), from_doc(Service, 2, dict(doc))
    assert a.recorded_by is b.recorded_by is sys.intern("jchen")
    assert a.status is ServiceStatus.KEPT and a.note == ""
    auth = Authorization(client=1, payer=2, status=RequestStatus.PENDING)
    assert from_doc(Authorization, 3, to_doc(auth)).status is RequestStatus.PENDING


@pytest.mark.parametrize("status", ["lost", ["kept"], 3])
def test_an_unknown_or_mistyped_enum_value_is_named(status: object) -> None:
    doc = to_doc(Service(client=1, payer=2, date=dt.date(2026, 1, 5)))
    doc["status"] = status
    with pytest.raises(DataFileError, match="status"):
        from_doc(Service, 7, doc)
