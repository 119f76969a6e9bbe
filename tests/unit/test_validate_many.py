"""validate_many checks many authorizations at once and says exactly what
validate.authorization_problems says of each (same sentences, fields, order), whatever the
records: generated batches mixing good and bad ones are compared with the per-record checks."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from priorauth import validate, validate_many
from priorauth.data import Data
from priorauth.model import (
    Authorization,
    CapPeriod,
    Client,
    ClientInsurance,
    Payer,
    RequestStatus,
    Service,
    ServiceLine,
)

# each field drawn from its good values, or from any value, bad ones too
_GOOD_START = st.dates(dt.date(2025, 1, 1), dt.date(2025, 3, 1))
_GOOD_END = st.one_of(st.none(), st.dates(dt.date(2025, 3, 1), dt.date(2025, 6, 1)))
_DAY = st.one_of(  # (a datetime is not a plain date)
    st.none(), _GOOD_START, _GOOD_END, st.just(dt.datetime(2025, 2, 1, 9, 30))
)
_GOOD_COUNT = st.one_of(st.none(), st.integers(0, 30))
_COUNT = st.one_of(
    _GOOD_COUNT, st.integers(-2, 30), st.sampled_from([0.0, 2.0, 2.5, -1.5]), st.booleans()
)
_GOOD_CODES = st.lists(st.sampled_from(["90837", "H2019-HN", "97153"]), max_size=3)
_CODES = st.lists(st.sampled_from(["90837", "H2019-HN", "9O837", "bad", "h2019"]), max_size=3)
_GOOD_STATUS = st.one_of(  # (status, active)
    st.tuples(st.sampled_from([RequestStatus.APPROVED, "approved"]), st.booleans()),
    st.tuples(st.sampled_from([RequestStatus.PENDING, "denied"]), st.just(False)),
)
_STATUS = st.tuples(
    st.sampled_from([*RequestStatus, "approved", "Approved", "", None]), st.booleans()
)
_GOOD_PERIOD = st.sampled_from([None, CapPeriod.WEEK, "month"])
_PERIOD = st.sampled_from([None, CapPeriod.WEEK, CapPeriod.MONTH, "month", "day"])


def _auth(draw: st.DrawFn) -> Authorization:
    # one field of its good values or any (the record's one possible problem), or all of them
    mode = draw(st.integers(0, 20))
    odd = mode == 20
    picked = iter(range(20))

    def pick(good: st.SearchStrategy, any_value: st.SearchStrategy) -> object:
        return draw(any_value if odd or next(picked) == mode else good)

    units, visits, reminder, cap = (pick(_GOOD_COUNT, _COUNT) for _ in range(4))
    units_used, visits_used = (pick(st.integers(0, 5), _COUNT) for _ in range(2))
    auth = Authorization(
        id=0,
        client=0,
        payer=0,
        auth_number=pick(
            st.one_of(st.just(""), st.integers(0, 10**6).map("N-{}".format)),
            st.sampled_from(["", " ", "A-1", "a-1 ", "A-2", "B-9"]),
        ),
        procedure_codes=pick(_GOOD_CODES, _CODES),
        units_authorized=units,
        visits_authorized=visits,
        carried_units_used=units_used,
        carried_visits_used=visits_used,
        reminder_days=reminder,
        cap_amount=cap,
        cap_period=pick(_GOOD_PERIOD, _PERIOD),
        start_date=pick(_GOOD_START, _DAY),
        end_date=pick(_GOOD_END, _DAY),
    )
    auth.status, auth.active = pick(_GOOD_STATUS, _STATUS)
    # a client and a payer that covers it, or any
    auth.client, auth.payer = pick(
        st.sampled_from([(1, 1), (2, 2)]),
        st.tuples(st.sampled_from([1, 2, 3, -1]), st.sampled_from([1, 2, 9])),
    )
    if odd and draw(st.booleans()):  # a few with service lines
        auth.lines = [ServiceLine(codes=["97153"]), ServiceLine(codes=draw(_CODES))]
    return auth


_AUTH = st.composite(_auth)()


@st.composite
def _batch(draw: st.DrawFn) -> tuple[Data, list[Authorization], Data]:
    payers = {1: Payer(id=1, name="Aetna"), 2: Payer(id=2, name="Cigna")}
    clients = {
        1: Client(
            id=1, first_name="Ann", last_name="Lee", insurances=[ClientInsurance(payer_id=1)]
        ),
        2: Client(id=2, first_name="Bo", last_name="Ng", insurances=[ClientInsurance(payer_id=2)]),
        3: Client(id=3, first_name="Cy", last_name="Oz"),  # (no coverage)
    }
    stored = draw(st.lists(_AUTH, max_size=4))
    for i, auth in enumerate(stored, start=1):
        auth.id = i
    before = Data(payers=payers, clients=clients, authorizations={a.id: a for a in stored})
    # the batch: new records (negative ids) and edited copies of stored ones
    new = draw(st.lists(_AUTH, max_size=12))
    for i, auth in enumerate(new, start=1):
        auth.id = -i
    edited = [draw(st.sampled_from(stored)) for _ in range(len(stored) // 2)]
    batch = [*new, *{a.id: a for a in edited}.values()]
    order = list(draw(st.permutations(batch)))
    if order and draw(st.integers(0, 4)) == 0:  # (one record twice: checked twice)
        order.insert(draw(st.integers(0, len(order))), draw(st.sampled_from(order)))
    view = Data(
        payers=payers,
        clients=clients,
        authorizations={**before.authorizations, **{a.id: a for a in order}},
    )
    return view, order, before


def _texts(problems: list) -> list[tuple[str, str | None, type]]:
    return [(str(p), p.field, type(p)) for p in problems]


def _per_record(view: Data, auths: list[Authorization], before: Data) -> dict:
    found = {}
    for i, auth in enumerate(auths):
        if problems := validate.authorization_problems(view, auth, before):
            found[i] = _texts(problems)
    return found


def _outcome(check, *args: object) -> object:
    """What ``check`` returns, or the error it raises (a datetime compared with a date raises in
    both ways, on the same record first)."""
    try:
        return check(*args)
    except TypeError as error:
        return repr(error)


@settings(max_examples=400, deadline=None)
@given(batch=_batch())
def test_the_batch_says_what_each_record_says(batch: tuple) -> None:
    view, auths, before = batch
    found = _outcome(validate_many.authorizations_problems, view, auths, before)
    if isinstance(found, dict):
        assert list(found) == sorted(found)
        found = {i: _texts(p) for i, p in found.items()}
    assert found == _outcome(_per_record, view, auths, before)


def test_a_clean_batch_is_proven_without_the_per_record_checks() -> None:
    payers = {1: Payer(id=1, name="Aetna")}
    client = Client(
        id=1, first_name="Ann", last_name="Lee", insurances=[ClientInsurance(payer_id=1)]
    )
    auths = [
        Authorization(
            id=-i,
            client=1,
            payer=1,
            auth_number=f"A-{i}",
            procedure_codes=["90837"],
            units_authorized=10,
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2025, 6, 30),
        )
        for i in range(1, 50)
    ]
    view = Data(payers=payers, clients={1: client}, authorizations={a.id: a for a in auths})
    assert validate_many._doubtful_auths(view, auths) == set()
    assert validate_many.authorizations_problems(view, auths) == {}
    # one number twice, one end before its start, one unknown client: those three only
    auths[3].auth_number = "a-1"
    auths[7].end_date = dt.date(2024, 12, 1)
    auths[9].client = 4
    view = Data(payers=payers, clients={1: client}, authorizations={a.id: a for a in auths})
    assert validate_many._doubtful_auths(view, auths) == {0, 3, 7, 9}
    found = validate_many.authorizations_problems(view, auths)
    assert set(found) == {0, 3, 7, 9}
    assert {i: _texts(p) for i, p in found.items()} == _per_record(view, auths, view)


def test_the_shortcut_for_a_first_import_needs_exactly_its_records_and_a_fresh_index() -> None:
    payers = {1: Payer(id=1, name="Aetna")}
    client = Client(
        id=1, first_name="Ann", last_name="Lee", insurances=[ClientInsurance(payer_id=1)]
    )

    def auth(id: int, number: str) -> Authorization:
        start = dt.date(2025, 1, 1)
        return Authorization(id=id, client=1, payer=1, auth_number=number, start_date=start)

    # a record checked twice in place of another of the data with its number
    x, y, z = auth(-1, ""), auth(-2, "A-1"), auth(-3, "a-1")
    view = Data(payers=payers, clients={1: client}, authorizations={-1: x, -2: y, -3: z})
    batch = [x, x, z]
    found = validate_many.authorizations_problems(view, batch)
    assert {i: _texts(p) for i, p in found.items()} == _per_record(view, batch, view) != {}
    # an index read before a number changed: what it says stands, as for each record
    a, b = auth(-1, "A-1"), auth(-2, "A-1")
    view = Data(payers=payers, clients={1: client}, authorizations={-1: a, -2: b})
    assert len(view.auths_by_number[(1, "a-1")]) == 2
    b.auth_number = "B-1"
    found = validate_many.authorizations_problems(view, [a, b])
    assert {i: _texts(p) for i, p in found.items()} == _per_record(view, [a, b], view) != {}


def test_the_bulk_check_reads_every_field_the_per_record_check_reads() -> None:
    """A rule added to validate.authorization_problems on a field validate_many does not read
    would let the bulk check clear a record the rule refuses: every field of a one-line
    authorization the per-record check reads is one the bulk check reads too."""
    read: set[str] = set()

    class Watched(Authorization):
        __slots__ = ()

        def __getattribute__(self, name: str) -> object:
            read.add(name)
            return object.__getattribute__(self, name)

    payers = {1: Payer(id=1, name="Aetna")}
    clients = {
        1: Client(id=1, first_name="A", last_name="L", insurances=[ClientInsurance(payer_id=1)])
    }
    data = Data(payers=payers, clients=clients, authorizations={})
    for status in (RequestStatus.APPROVED, RequestStatus.PENDING):
        auth = Watched(
            id=-1,
            client=1,
            payer=1,
            auth_number="A-1",
            status=status,
            active=status == RequestStatus.APPROVED,
            procedure_codes=["90837"],
            units_authorized=20,
            visits_authorized=2.5,  # (a fraction: every count is looked at)
            cap_amount=4,
            cap_period=CapPeriod.WEEK,
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2025, 6, 1),
        )
        validate.authorization_problems(data, auth)
    fields = {f for f in read if not f.startswith("_") and not callable(getattr(auth, f))}
    # (measure and cap_measure are read only of a count that is not whole, which the bulk
    # check always leaves to the per-record one)
    allowed = _names() | {"id", "measure", "cap_measure"}
    assert fields <= allowed, fields - allowed


def _names() -> set[str]:
    # the names of the fields validate_many reads
    return set(validate_many._AUTH_FIELD_NAMES)


# service lines drawn from good values or any: codes (none, bad, repeated), counts (negative,
# fractions, booleans), a cap with or without counts and period
_LINE_CODES = st.lists(
    st.sampled_from(["97153", "97155", "97156", "97155-HN", "bad", "9O837"]), max_size=3
)


_LINE_COUNT = st.sampled_from([None, 0, 3, -1, 2.5, 2.0, True])


@st.composite
def _line(draw: st.DrawFn) -> ServiceLine:
    # one field of any value (the line's one possible problem), the others of good ones; or
    # every field of any (mode 7), or none (mode 8)
    mode = draw(st.integers(0, 8))
    picked = iter(range(7))

    def pick(good: st.SearchStrategy, any_value: st.SearchStrategy) -> object:
        return draw(any_value if mode == 7 or next(picked) == mode else good)

    return ServiceLine(
        codes=pick(st.sampled_from([["97153"], ["97155"], ["97156"]]), _LINE_CODES),
        units_authorized=pick(_GOOD_COUNT, _LINE_COUNT),
        visits_authorized=pick(_GOOD_COUNT, _LINE_COUNT),
        carried_units_used=pick(st.integers(0, 5), _LINE_COUNT),
        carried_visits_used=pick(st.integers(0, 5), _LINE_COUNT),
        cap_amount=pick(st.none(), st.sampled_from([None, 0, 4, -1, 1.5])),
        cap_period=pick(_GOOD_PERIOD, _PERIOD),
        measure=draw(st.sampled_from(["units", "hours"])),
    )


@st.composite
def _lined_batch(draw: st.DrawFn) -> tuple[Data, list[Authorization]]:
    payers = {1: Payer(id=1, name="Aetna")}
    clients = {
        1: Client(id=1, first_name="A", last_name="L", insurances=[ClientInsurance(payer_id=1)])
    }
    auths = []
    for i in range(1, draw(st.integers(0, 8)) + 1):
        auth = Authorization(
            id=-i,
            client=1,
            payer=1,
            auth_number=f"A-{i}",
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2025, 6, 1),
        )
        if draw(st.booleans()):
            auth.lines = draw(st.lists(_line(), max_size=4))
            if auth.lines and draw(st.booleans()):
                auth.lines.append(draw(st.sampled_from(auth.lines)))  # (a line twice)
        else:
            auth.procedure_codes = draw(_GOOD_CODES)
        auths.append(auth)
    view = Data(payers=payers, clients=clients, authorizations={a.id: a for a in auths})
    return view, auths


@settings(max_examples=200, deadline=None)
@given(batch=_lined_batch())
def test_service_lines_are_proven_as_line_problems_finds_them(batch: tuple) -> None:
    view, auths = batch
    found = validate_many.authorizations_problems(view, auths)
    assert {i: _texts(p) for i, p in found.items()} == _per_record(view, auths, view)


def test_clean_service_lines_are_proven_without_the_per_record_checks() -> None:
    payers = {1: Payer(id=1, name="Aetna")}
    client = Client(
        id=1, first_name="Ann", last_name="Lee", insurances=[ClientInsurance(payer_id=1)]
    )

    def auth(i: int, *lines: ServiceLine) -> Authorization:
        start = dt.date(2025, 1, 1)
        return Authorization(
            id=-i, client=1, payer=1, auth_number=f"A-{i}", start_date=start, lines=list(lines)
        )

    def line(*codes: str, **counts: object) -> ServiceLine:
        return ServiceLine(codes=list(codes), **counts)  # type: ignore[arg-type]

    auths = [
        auth(1, line("97153", units_authorized=320), line("97155", units_authorized=40)),
        auth(2, line("97153"), line("97155", "97155")),  # a code twice on one line
        auth(3, line("97153"), line("97153")),  # on two lines
        auth(4, line("97153"), line()),  # a line without codes
        auth(5, line("97153", units_authorized=-1), line("97155")),
        auth(6, line("97153", cap_amount=4, cap_period=CapPeriod.WEEK), line("97155")),
        auth(7, line("97153", units_authorized=8, cap_amount=4), line("97155")),  # no period
        auth(8, line("97153", units_authorized=8.5), line("97155")),  # a fraction
        auth(
            9,
            line("97153", units_authorized=8, cap_amount=4, cap_period=CapPeriod.WEEK),
            line("97155", visits_authorized=3),
        ),
        auth(10, line("97153", units_authorized=8, cap_amount=0, cap_period="week"), line("97155")),
        auth(11, line("97153"), line("97155", carried_visits_used=-2)),
    ]
    view = Data(payers=payers, clients={1: client}, authorizations={a.id: a for a in auths})
    assert validate_many._doubtful_auths(view, auths) == {1, 2, 3, 4, 5, 6, 7, 9, 10}
    found = validate_many.authorizations_problems(view, auths)
    assert set(found) == {1, 2, 3, 4, 5, 6, 7, 9, 10}
    assert {i: _texts(p) for i, p in found.items()} == _per_record(view, auths, view)


def test_the_bulk_check_reads_every_field_of_a_line_line_problems_reads() -> None:
    """As for an authorization's own fields: a rule added to validate.line_problems on a field
    of a line the bulk check does not read would let it clear a line the rule refuses."""
    read: set[str] = set()

    class Watched(ServiceLine):
        def __getattribute__(self, name: str) -> object:
            read.add(name)
            return object.__getattribute__(self, name)

    lines = [
        Watched(codes=["97153"], units_authorized=8, cap_amount=4, cap_period=CapPeriod.WEEK),
        Watched(codes=["97155"], visits_authorized=2.5, cap_amount=0),
    ]
    auth = Authorization(id=-1, client=1, payer=1, lines=lines)  # type: ignore[arg-type]
    validate.line_problems(auth)
    fields = {f for f in read if not f.startswith("_") and not callable(getattr(lines[0], f))}
    # (measure and cap_measure: read only of a count that is not whole, left to line_problems;
    # group: only to name a line with a problem)
    names = set(repr(validate_many._LINE_FIELDS).split("'")[1::2])
    assert fields <= names | {"measure", "cap_measure", "group"}, fields - names


_SERVICE = st.builds(
    Service,
    id=st.integers(-5, -1),
    client=st.sampled_from([1, 1, 1, 2, 9]),
    payer=st.sampled_from([1, 1, 1, 2, 7]),
    date=st.just(dt.date(2025, 2, 1)),
    procedure_code=st.sampled_from(["90837", "90837", "", "H2019-HN", "9O837", "bad"]),
    units=st.one_of(st.integers(-1, 4), st.sampled_from([1.5, 2.0, True])),
    authorization=st.sampled_from([None, None, None, 1, 2, 5]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SERVICE, max_size=8))
def test_services_checked_together_say_what_each_says(services: list[Service]) -> None:
    """services_problems says of each service what validate.service_problems says, in the same
    sentences and order; a batch of good services is proven without the per-record check."""
    payers = {1: Payer(id=1, name="Aetna"), 2: Payer(id=2, name="Cigna")}
    clients = {
        1: Client(id=1, first_name="A", last_name="L", insurances=[ClientInsurance(payer_id=1)]),
        2: Client(id=2, first_name="B", last_name="M"),
    }
    start = dt.date(2025, 1, 1)
    auths = {
        1: Authorization(id=1, client=1, payer=1, start_date=start),
        2: Authorization(id=2, client=2, payer=2, start_date=start),
    }
    data = Data(payers=payers, clients=clients, authorizations=auths)
    found = validate_many.services_problems(data, services)
    assert list(found) == sorted(found)
    each = {
        i: _texts(p) for i, s in enumerate(services) if (p := validate.service_problems(data, s))
    }
    assert {i: _texts(p) for i, p in found.items()} == each
    assert validate_many._doubtful_services(data, services) >= set(each)
    good = [  # (a pinned authorization, or units not an int, are left to the per-record check)
        s
        for i, s in enumerate(services)
        if i not in each and s.authorization is None and type(s.units) is int
    ]
    assert validate_many._doubtful_services(data, good) == set()


def test_the_services_check_reads_every_field_the_per_record_check_reads() -> None:
    """A rule added to validate.service_problems on a field the bulk check does not read would
    let it clear a service the rule refuses."""
    read: set[str] = set()

    class Watched(Service):
        __slots__ = ()

        def __getattribute__(self, name: str) -> object:
            read.add(name)
            return object.__getattribute__(self, name)

    data = Data(payers={1: Payer(id=1, name="Aetna")}, clients={}, authorizations={})
    service = Watched(client=1, payer=1, date=dt.date(2025, 2, 1), procedure_code="90837")
    service.authorization = 3
    validate.service_problems(data, service)
    fields = {f for f in read if not f.startswith("_") and not callable(getattr(service, f))}
    assert fields <= set(validate_many._SERVICE_FIELD_NAMES), fields
