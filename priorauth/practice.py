"""The practice's shared thresholds for notifications and reports (one settings record).

Stored in the ``settings`` table so every user sees the same values; changed through
:meth:`priorauth.services.tracker.Tracker.save_settings` (an admin action).
"""

from __future__ import annotations

from priorauth.data import Data
from priorauth.errors import ValidationError
from priorauth.grammar import DateOrder
from priorauth.model import PracticeSettings
from priorauth.store.codec import from_doc


def practice_settings(data: Data) -> PracticeSettings:
    """The practice's thresholds (defaults where never set)."""
    if not data.settings:
        return PracticeSettings()
    return from_doc(PracticeSettings, 1, data.settings)


def settings_problems(settings: PracticeSettings) -> list[ValidationError]:
    problems = []
    if not 0 <= settings.low_percent <= 100:
        problems.append(
            ValidationError("The low threshold must be a percent from 0 to 100.", "low_percent")
        )
    if settings.low_floor < 0:
        problems.append(ValidationError("The low floor cannot be negative.", "low_floor"))
    if settings.renewal_margin_days < 0:
        problems.append(
            ValidationError("The renewal margin cannot be negative.", "renewal_margin_days")
        )
    if not 1 <= settings.pace_weeks <= 52:
        problems.append(ValidationError("The pace is measured over 1 to 52 weeks.", "pace_weeks"))
    return problems


def is_low(remaining: int, authorized: int, settings: PracticeSettings) -> bool:
    """Remaining above zero and at or below the larger of low_percent % and low_floor."""
    if remaining <= 0:
        return False
    return remaining * 100 <= settings.low_percent * authorized or remaining <= settings.low_floor


def practice_date_order(data: Data) -> DateOrder:
    """The practice's order for numeric dates nothing else decides (month first unless set): an
    import's text dates a column gives no evidence on, and dates given on the command line."""
    return "dmy" if practice_settings(data).date_order == "dmy" else "mdy"
