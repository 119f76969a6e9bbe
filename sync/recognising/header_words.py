"""The words of a header text, normalised: "Auth #" -> {authorization, number}, "Exp. Date" ->
{end, date}, "Sessions Left" -> {visit, remaining}, "Hrs/Wk" -> {hour, week}. Header recognition
(:mod:`sync.recognising.headers`) matches its rules against these words.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SPLIT = re.compile(r"[^0-9a-z]+")

# word -> normalised word ("" drops it)
_WORDS: dict[str, str] = {
    # authorization
    "auth": "authorization",
    "auths": "authorization",
    "authorisation": "authorization",
    "authorizations": "authorization",
    "authorisations": "authorization",
    "preauth": "authorization",
    "precert": "authorization",
    "precertification": "authorization",
    "pa": "authorization",
    "prior": "",
    "approval": "authorization",
    # numbers
    "no": "number",
    "nbr": "number",
    "num": "number",
    "numbers": "number",
    "hash": "number",
    "of": "",
    "the": "",
    "a": "",
    # dates
    "eff": "start",
    "effective": "start",
    "from": "start",
    "begin": "start",
    "begins": "start",
    "beginning": "start",
    "starts": "start",
    "exp": "end",
    "expiration": "end",
    "expires": "end",
    "expire": "end",
    "expiry": "end",
    "expiring": "end",
    "thru": "end",
    "through": "end",
    "to": "end",
    "until": "end",
    "ends": "end",
    "stop": "end",
    "term": "end",
    "dob": "birth",
    "birthdate": "birth",
    "birthday": "birth",
    "bday": "birth",
    "dt": "date",
    # people
    "patient": "client",
    "pt": "client",
    "consumer": "client",
    "individual": "client",
    "clients": "client",
    "mrn": "chart",
    "acct": "account",
    "fname": "first",
    "given": "first",
    "lname": "last",
    "surname": "last",
    "family": "last",
    "therapist": "clinician",
    "provider": "clinician",
    "counselor": "clinician",
    "counsellor": "clinician",
    "bcba": "clinician",
    "rendering": "clinician",
    "staff": "clinician",
    "clinicians": "clinician",
    # payer
    "ins": "insurance",
    "insurer": "payer",
    "payor": "payer",
    "carrier": "payer",
    "funder": "payer",
    "funding": "payer",
    "plan": "payer",
    "payers": "payer",
    "mbr": "member",
    "subscriber": "member",
    "sub": "member",
    "policy": "member",
    "medicaid": "member",
    # codes
    "cpt": "code",
    "hcpcs": "code",
    "codes": "code",
    "proc": "procedure",
    "procedures": "procedure",
    "svc": "service",
    "services": "service",
    # counts
    "units": "unit",
    "hrs": "hour",
    "hr": "hour",
    "hours": "hour",
    "approved": "authorized",
    "authd": "authorized",
    "allowed": "authorized",
    "granted": "authorized",
    "total": "authorized",
    "max": "cap",
    "maximum": "cap",
    "limit": "cap",
    "frequency": "cap",
    "weekly": "week",
    "wk": "week",
    "monthly": "month",
    "mo": "month",
    "rem": "remaining",
    "remain": "remaining",
    "left": "remaining",
    "balance": "remaining",
    "bal": "remaining",
    "avail": "remaining",
    "available": "remaining",
    "utilized": "used",
    "consumed": "used",
    "completed": "used",
    "session": "visit",
    "sessions": "visit",
    "visits": "visit",
    "appt": "visit",
    "appts": "visit",
    "appointment": "visit",
    "appointments": "visit",
    "sess": "visit",
    # the rest
    "ref": "reference",
    "confirmation": "reference",
    "ticket": "reference",
    "notes": "note",
    "comment": "note",
    "comments": "note",
    "remark": "note",
    "remarks": "note",
    "memo": "note",
    "remind": "reminder",
    "reminders": "reminder",
    "alert": "reminder",
    "confirm": "confirmed",
    "request": "requested",
    "submitted": "requested",
    "followup": "follow",
    "current": "active",
    "dates": "period",
    "range": "period",
}


# letters written one by one with dots or slashes: "D.O.B.", "D/O/B", "I.D."
_INITIALS = re.compile(r"\b[a-z](?:[./][a-z])+\b\.?")


# (a pure function of its text, called for each text of the first 40 rows of every sheet, and
# several times for one text: those rows repeat their payers, codes and notes; 824 calls for 108
# texts on the usual log)
@lru_cache(maxsize=4096)
def words(text: str) -> frozenset[str]:
    """The normalised words of a header text ("D.O.B." reads as "DOB", "Auth\nNo." as "Auth
    Number", "Client  #" as "Client Number")."""
    text = text.lower().replace("#", " number ").replace("auth'd", "authd").replace("'", "")
    text = _INITIALS.sub(lambda m: re.sub(r"[./]", "", m.group()), text)
    out = set()
    for raw in _SPLIT.split(text):
        if not raw:
            continue
        word = _WORDS.get(raw, raw)
        if word:
            out.add(word)
    return frozenset(out)
