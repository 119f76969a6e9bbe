"""Errors the domain raises. Each carries one sentence a person can act on."""

from __future__ import annotations


class AuthTrackError(Exception):
    """Base class: ``str(error)`` is the sentence to show the user."""


class ValidationError(AuthTrackError):
    """A record breaks a rule. ``field`` names the offending field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ValidationErrors(ValidationError):
    """Several fields are wrong at once; ``errors`` holds one ValidationError each."""

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__(" ".join(str(e) for e in errors), errors[0].field if errors else None)
        self.errors = errors


class ConflictError(AuthTrackError):
    """The record was changed by someone else since it was read."""

    def __init__(self, message: str, changed_by: str = "", changed_at: str = "") -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class NotFoundError(AuthTrackError):
    """The record is not (or no longer) in the data file."""


class DataFileError(AuthTrackError):
    """The data file cannot be read or written; it has been left as it was."""


class LockTimeout(DataFileError):
    """Another process held the data file's lock for too long."""


class PermissionDenied(AuthTrackError):
    """The current user's role does not allow the action."""
