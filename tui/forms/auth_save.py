"""The question the authorization form asks before saving an edit: what the change does beyond
itself. Services it recorded that no line holds any more (a line removed, a code taken off) will
count against another authorization, or none; and changing a field billing confirmed clears the
confirmation ("C"), so billing must confirm it again."""

from __future__ import annotations

from priorauth.data import Data
from priorauth.model import Authorization
from priorauth.rules import services_left_out
from priorauth.services.tracker import billing_fields_changed


def save_question(
    data: Data, old: Authorization, record: Authorization
) -> tuple[str, str, str] | None:
    """(title, question, save button) when saving ``record`` over the stored ``old`` does more
    than change it; None when it does not."""
    said: list[str] = []
    titles: list[str] = []
    left = services_left_out(data, old, record)
    if left:
        shown = ", ".join(f"{s.procedure_code or 'no code'} on {s.date:%m/%d/%Y}" for s in left[:3])
        more = f" and {len(left) - 3} more" if len(left) > 3 else ""
        n = len(left)
        said.append(
            f"{n} recorded service{'s' if n != 1 else ''} ({shown}{more}) "
            f"{'are' if n != 1 else 'is'} held by no line of it any more: "
            f"{'they' if n != 1 else 'it'} will count against another authorization, or none."
        )
        titles.append("Services left out")
    changed = billing_fields_changed(old, record) if old.confirmed else []
    if changed:
        words = ", ".join(f.replace("_", " ") for f in changed)
        confirmation = old.confirmation.replace("confirmed", "confirmed to billing", 1)
        said.append(
            f"{old.auth_number or 'This authorization'} was {confirmation}. Changing its "
            f"{words} clears the confirmation (C): billing confirms it again."
        )
        titles.append("Billing must confirm again")
    if not said:
        return None
    button = "Save, clear the C" if changed else "Save"
    return (" · ".join(titles), " ".join(said) + " Save the change?", button)
