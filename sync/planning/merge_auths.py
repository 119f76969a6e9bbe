"""Match the rows of an authorization log to authorizations: new, changed or unchanged.

Matching on re-import: payer + authorization number; else client + payer + start date + codes
(also used to give a number to an authorization first logged without one). "Used" columns become
carried-in usage once everything else is known (see :func:`settle_usage`). Each row's draft is
made by :mod:`sync.planning.drafts`.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from typing import Any

from priorauth.model import Authorization, Client
from priorauth.service_lines import all_codes
from sync.parsing import cells
from sync.parsing.logsheet import LogTable
from sync.planning import lines
from sync.planning.drafts import Columns, Draft, drafter
from sync.planning.line_groups import line_groups
from sync.planning.merge import Merger
from sync.planning.merge_coverage import Seen, merge_coverages
from sync.progress import STEP, Progress, no_progress
from sync.recognising.columns import Col

__all__ = ["AuthMatcher", "merge_log"]

# (tests turn this off to compare with every row looking its client up)
CLIENT_OF_ROW_BEFORE = True


class AuthMatcher:
    """Existing authorizations, indexed for matching, each matched at most once."""

    def __init__(self, merger: Merger) -> None:
        auths = merger.data.authorizations
        ids = list(auths)
        self._auths = (
            list(auths.values())
            if all(map(operator.lt, ids, ids[1:]))
            else sorted(auths.values(), key=lambda a: a.id)
        )
        self.by_number: dict[tuple[int, str], Authorization] = {}
        # (payer, number) -> every authorization with it, when an older file holds several
        self.shared_numbers: dict[tuple[int, str], list[Authorization]] = defaultdict(list)
        by_number, shared = self.by_number, self.shared_numbers
        for a in self._auths:
            if a.auth_number:
                key = (a.payer, a.auth_number.casefold())
                if key in by_number:
                    if key not in shared:
                        shared[key].append(by_number[key])
                    shared[key].append(a)
                else:
                    by_number[key] = a
        self._by_start: dict[tuple[int, int, dt.date | None], list[Authorization]] | None = None
        self.taken: dict[int, int] = {}  # existing auth id -> spreadsheet row that matched it
        # (payer, number) -> (row, start, codes) of each row of the log with that number
        self.numbers_in_file: dict[tuple[int, str], list[tuple[int, Any, Any]]] = {}

    def __bool__(self) -> bool:
        """Whether there is anything to match (not for a first import)."""
        return bool(self._auths)

    @property
    def by_start(self) -> dict[tuple[int, int, dt.date | None], list[Authorization]]:
        """(client, payer, start) -> authorizations, by id (built when first needed: rows that
        match by number never need it)."""
        if self._by_start is None:
            index: dict[tuple[int, int, dt.date | None], list[Authorization]] = defaultdict(list)
            for auth in self._auths:
                index[(auth.client, auth.payer, auth.start_date)].append(auth)
            self._by_start = index
        return self._by_start

    def match(
        self, client_id: int, payer_id: int, number: str, start: Any, codes: list[str] | None
    ) -> Authorization | None:
        if number:
            key = (payer_id, number.casefold())
            shared = self.shared_numbers.get(key) if self.shared_numbers else None
            if shared:  # several with this number: the one with the row's start and codes
                return self._among(shared, start, set(codes) if codes is not None else None)
            found = self.by_number.get(key)
            if found is not None and found.id not in self.taken:
                return found  # (most rows of a log imported again)
        if client_id < 0:
            return None
        want = set(codes) if codes is not None else None
        for auth in self.by_start.get((client_id, payer_id, start), ()):
            if auth.id in self.taken:
                continue
            if number and auth.auth_number and auth.auth_number.casefold() != number.casefold():
                continue
            if want is None or set(all_codes(auth)) == want:
                return auth
        return None

    def _among(
        self, auths: list[Authorization], start: Any, want: set[str] | None
    ) -> Authorization | None:
        """Of authorizations sharing a number, the first not yet matched with the row's start
        and codes, else with its start, else the first not yet matched."""
        free = [a for a in auths if a.id not in self.taken]
        for a in free:
            if a.start_date == start and (want is None or set(all_codes(a)) == want):
                return a
        return next((a for a in free if a.start_date == start), free[0] if free else None)


def merge_log(
    merger: Merger, table: LogTable, progress: Progress = no_progress, user: str = ""
) -> list[Draft]:
    """Drafts for the rows of ``table``; rows that cannot be used are reported on ``table``."""
    cols = Columns(table)
    n = len(table.rows)
    matcher = AuthMatcher(merger)
    drafts: list[Draft] = []
    name_col = (
        Col.NAME
        if cols.name is not None
        else (Col.LAST if cols.last is not None else Col.CLIENT_ID)
    )
    payers: dict[str, Any] = {}  # the log's spelling -> payer
    split: dict[Any, tuple[str, str]] = {}  # a name as written -> (first, last)
    last_key: tuple[Any, ...] | None = None  # consecutive rows are often the same client
    last_client: Client | None = None
    bad = table.bad
    none: list[Any] = [None] * n  # the column of a field the log does not have
    ids, names, firsts, lasts = (
        cols.client_id or none,
        cols.name,
        cols.first or none,
        cols.last or none,
    )
    dobs, payer_names, clinicians = cols.dob or none, cols.payer or none, cols.clinician or none
    priorities, members = cols.priority or none, cols.member_id or none
    # rows with nothing about an authorization (a client and insurance alone)
    bare: Sequence[int] = range(n)
    for column in cols.auth_data:
        bare = [i for i in bare if not column[i]]
    without_auth = set(bare)
    # what a row says about its client: a row saying exactly what the row before it said (most
    # rows of a log; in a log with coverage history, a client's rows with each payer and card
    # it had) finds that row's client without looking again. Its payer is the payer of that
    # name (looked up once per name); its member id and priority are read for its coverage.
    told = (ids, names, firsts, lasts, dobs, clinicians)
    present = [column for column in told if column is not None and column is not none]
    said = list(zip(*present, strict=True)) if present else [()] * n
    if not CLIENT_OF_ROW_BEFORE:  # (no row says what the row before it said: each looks)
        said = list(range(n))
    previous: tuple[Any, ...] | None = None
    found: Client | None = None  # the client of the row that said it
    # an ABA-style log's rows of one number, one per code: one authorization's service lines
    groups = line_groups(table, cols, merger.tell_apart_numbers)
    heads, line_rows, refused = groups.heads, groups.members, groups.refused
    not_drafted = line_rows | refused.keys() if refused else line_rows
    draft = drafter(merger, matcher, table, cols, user, not_drafted=not_drafted)
    attach = lines.LineMaker(cols, table).attach if heads else None
    seen: list[Seen] = []  # what each row says about its client's coverage
    # (one for every row: made by tuple.__new__ itself, without the named tuple's __new__)
    new_seen = partial(tuple.__new__, Seen)
    for i in range(n):
        if i % STEP == 0:
            progress(i, n, "matching rows")
        if i in bad or i in line_rows:
            continue
        if i in refused:  # (a number's row that cannot be a line of its authorization)
            table.error(i, *refused[i])
            continue
        payer_name = payer_names[i]
        if found is not None and said[i] == previous:
            client = found
        else:
            previous, found = said[i], None
            warnings = len(merger.warnings)
            client_id = ids[i] or ""
            if names is not None:
                name = names[i]
                parts = split.get(name)
                if parts is None:
                    parts = split[name] = cells.split_name(name) if name else ("", "")
                first, last = parts
            else:
                first, last = firsts[i] or "", lasts[i] or ""
            dob = dobs[i]
            if not client_id and not (first or last):
                table.error(i, name_col, "the client's name is missing.")
                continue
            if payer_name:  # (a row without a payer is refused below, its client not sought)
                key = (client_id, first, last, dob)
                if key == last_key and last_client is not None:
                    client = merger.current(last_client)
                else:
                    known = merger.find_client(client_id, first, last, dob)
                    if known is None:
                        client = merger.new_client(
                            client_id, first, last, dob, (table.sheet_at(i), table.rows[i])
                        )
                    else:
                        client = _update_client(merger, table, i, known, first, last, dob)
                clinician = clinicians[i]
                if clinician and clinician != client.clinician:
                    client = merger.editable(client)
                    client.clinician = clinician
                last_key, last_client = key, client
                if len(merger.warnings) == warnings:  # (a row that warned is looked at again)
                    found = client
        if not payer_name:
            if cols.payer is not None:
                table.error(i, Col.PAYER, "the payer (insurance) is missing.")
            else:
                table.error(i, None, "the log has no payer (insurance) column.")
            continue
        payer = payers.get(payer_name)
        if payer is None:
            payer = payers[payer_name] = merger.payer(payer_name)
        if i in without_auth:  # a client and insurance, no authorization on this row
            seen.append(
                Seen(client.id, payer.id, members[i] or "", priorities[i], None, None, None, i)
            )
            continue
        made = draft(i, client, payer.id)
        if made is not None:
            if i in heads:
                assert attach is not None
                attach(made, heads[i])
            elif made.before is not None and made.before.lines:
                why = lines.keep_lines(made, cols, table, merger.tell_apart_numbers)
                if why is not None:
                    table.error(i, *why)
                    continue
            drafts.append(made)
            auth = made.auth
            seen.append(
                new_seen(
                    (
                        client.id,
                        payer.id,
                        members[i] or "",
                        priorities[i],
                        auth.start_date,
                        auth.end_date,
                        made,
                        i,
                    )
                )
            )
    progress(n, n, "matching rows")
    problems = merge_coverages(merger, seen)
    if problems:  # (a fourth payer in force at once): the client's rows are not imported
        for s in seen:
            if s.client in problems:
                table.error(s.index, Col.PAYER, problems[s.client])
        drafts = [d for d in drafts if d.auth.client not in problems]
    return drafts


def _update_client(
    merger: Merger,
    table: LogTable,
    i: int,
    client: Client,
    first: str,
    last: str,
    dob: dt.date | None,
) -> Client:
    """Rows name a client the same way; a later spelling does not overwrite the first."""
    where = merger.client_rows.setdefault(client.id, (table.sheet_at(i), table.rows[i]))
    first_seen_here = where == (table.sheet_at(i), table.rows[i])
    differs = (first or last) and (
        " ".join(first.split()).casefold() != client.first_name.casefold()
        or " ".join(last.split()).casefold() != client.last_name.casefold()
    )
    if differs:
        if first_seen_here and client.id > 0:
            client = merger.editable(client)
            client.first_name, client.last_name = first, last
        elif not first_seen_here:
            merger.warnings.append(
                f'Sheet "{table.sheet_at(i)}", row {table.rows[i]}: client '
                f'{client.client_id or ""} is written "{last}, {first}" but row {where[1]} has '
                f'"{client.name}"; '
                "the first spelling was kept."
            )
    if dob is not None and dob != client.dob:
        if first_seen_here:
            client = merger.editable(client)
            client.dob = dob
        else:
            merger.warnings.append(
                f'Sheet "{table.sheet_at(i)}", row {table.rows[i]}: a different date of birth '
                f"({dob:%m/%d/%Y}) for {client.name} than row {where[1]}; the first was kept."
            )
    return client
