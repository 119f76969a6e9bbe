"""An authorization's service lines: the one door to them, read and written.

An authorization is one or more **service lines** (:class:`~priorauth.model.ServiceLine`). One
with a single line keeps it in its own fields (``procedure_codes``, ``units_authorized``, ...)
and ``lines`` empty; one with several keeps them in ``lines`` and its own fields blank.
:func:`lines_of` reads either form as a list of lines, :func:`with_lines` writes a list of lines
back in the one canonical form, so that equal authorizations compare equal; :func:`all_codes`
and :func:`line_index` say which codes an authorization holds and which line holds a code.
How much of each line is used is :mod:`priorauth.usage`'s.
"""

from __future__ import annotations

from typing import TypeVar

from priorauth.model import Authorization, CapMeasure, LineMeasure, ServiceLine, field_values


def code_matches(code: str, codes: list[str]) -> bool:
    """A service code matches when equal to an authorized code, or to its base code (no modifier)
    when the authorized one has no modifier: 90837-HN is covered by an authorization for 90837."""
    code = code.strip().upper()
    # (the base code holds no "-", so an authorized code equal to it has no modifier)
    return code in codes or code.split("-")[0] in codes


def lines_of(auth: Authorization) -> list[ServiceLine]:
    """The service lines of ``auth``: its ``lines``, or the one line its own fields hold."""
    if auth.lines:
        return auth.lines
    return [
        ServiceLine(
            codes=auth.procedure_codes,
            group=auth.group,
            units_authorized=auth.units_authorized,
            visits_authorized=auth.visits_authorized,
            carried_units_used=auth.carried_units_used,
            carried_visits_used=auth.carried_visits_used,
            cap_amount=auth.cap_amount,
            cap_period=auth.cap_period,
            cap_measure=auth.cap_measure,
            measure=auth.measure,
        )
    ]


def with_lines(
    auth: Authorization, lines: list[ServiceLine], *, made_for_it: bool = False
) -> Authorization:
    """``auth`` holding ``lines`` in the canonical form: one line in its own fields (``lines``
    empty), several in ``lines`` with its own codes, counts, cap and carried usage blank. A new
    authorization (and new lines); ``auth`` and ``lines`` are left as they are.

    ``made_for_it``: the lines were made for this authorization (their codes lists too) and
    their maker changes them only through it, so the new authorization holds them rather than
    copies (an import makes tens of thousands)."""
    return _copy(auth, **_line_fields(lines, made_for_it))


def hold_lines(auth: Authorization, lines: list[ServiceLine]) -> None:
    """:func:`with_lines` (``made_for_it``) done to ``auth`` itself rather than to a copy: for
    an authorization that was made for the caller alone and nothing else holds yet (an
    import's draft of a row), which would otherwise be copied whole and thrown away."""
    if len(lines) == 1:
        for name, value in _line_fields(lines, True).items():
            setattr(auth, name, value)
        return
    # several: _line_fields's blank own fields, assigned directly (an ABA import holds lines
    # in thousands of drafts; a test holds this to with_lines)
    auth.procedure_codes = []
    auth.units_authorized = auth.visits_authorized = None
    auth.carried_units_used = auth.carried_visits_used = 0
    auth.cap_amount = auth.cap_period = None
    auth.cap_measure, auth.measure = CapMeasure.UNITS, LineMeasure.UNITS
    auth.group = ""
    auth.lines = list(lines)


# An authorization's own field holding each field of its one line (``lines`` empty); with several
# lines its own fields hold a blank line's values (``ServiceLine()``: :func:`with_lines`).
OWN_LINE_FIELDS = {
    "procedure_codes": "codes",
    "group": "group",
    "units_authorized": "units_authorized",
    "visits_authorized": "visits_authorized",
    "carried_units_used": "carried_units_used",
    "carried_visits_used": "carried_visits_used",
    "cap_amount": "cap_amount",
    "cap_period": "cap_period",
    "cap_measure": "cap_measure",
    "measure": "measure",
}


def _line_fields(lines: list[ServiceLine], made_for_it: bool) -> dict[str, object]:
    """The fields :func:`with_lines` sets (see there)."""
    if len(lines) == 1:
        (line,) = lines
        return {
            "procedure_codes": list(line.codes),
            "units_authorized": line.units_authorized,
            "visits_authorized": line.visits_authorized,
            "carried_units_used": line.carried_units_used,
            "carried_visits_used": line.carried_visits_used,
            "cap_amount": line.cap_amount,
            "cap_period": line.cap_period,
            "cap_measure": line.cap_measure,
            "measure": line.measure,
            "group": line.group,
            "lines": [],
        }
    return {
        "procedure_codes": [],
        "units_authorized": None,
        "visits_authorized": None,
        "carried_units_used": 0,
        "carried_visits_used": 0,
        "cap_amount": None,
        "cap_period": None,
        "cap_measure": CapMeasure.UNITS,
        "measure": LineMeasure.UNITS,
        "group": "",
        "lines": list(lines)
        if made_for_it
        else [_copy(line, codes=list(line.codes)) for line in lines],
    }


_R = TypeVar("_R")


def _copy(record: _R, **changes: object) -> _R:
    """``dataclasses.replace`` for records with no ``__post_init__`` or init-only fields: a copy
    with ``changes``, without ``__init__``'s cost (an import makes thousands)."""
    new = object.__new__(type(record))
    values = field_values(record)  # (records have __slots__; a line has a __dict__: both work)
    values.update(changes)
    for name, value in values.items():  # (one at a time: the record keeps its values inline)
        setattr(new, name, value)
    return new


def all_codes(auth: Authorization) -> list[str]:
    """Every code of every line of ``auth``, in line order, each once (empty: any procedure)."""
    if not auth.lines:
        return auth.procedure_codes
    codes: list[str] = []
    for line in auth.lines:  # (a loop, not generators: asked for every authorization a snapshot)
        if not line.codes:
            return []
        codes += line.codes
    if len(set(codes)) == len(codes):  # (each line's codes its own: no code twice, as a rule)
        return codes
    return list(dict.fromkeys(codes))


def line_index(auth: Authorization, code: str | None) -> int | None:
    """The index in :func:`lines_of` of the line a service with ``code`` counts against: the
    first line listing it (exactly, or by its base code), else a line listing no codes; None
    when no line holds it. A one-line authorization's line is 0 for any code it covers."""
    if not auth.lines:
        codes = auth.procedure_codes
        return 0 if not code or not codes or code_matches(code, codes) else None
    lines = auth.lines
    if code:
        for i, line in enumerate(lines):
            if code in line.codes:
                return i
        for i, line in enumerate(lines):
            if line.codes and code_matches(code, line.codes):
                return i
    for i, line in enumerate(lines):
        if not line.codes:
            return i
    return None


__all__ = ["all_codes", "code_matches", "line_index", "lines_of", "with_lines"]
