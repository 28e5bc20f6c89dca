"""Domain errors raised by every service layer, each with a clear Chinese message.

Views turn them into form errors; the API turns them into 400/403/409 answers.
"""

from __future__ import annotations


class DomainError(Exception):
    """Bad input for an action (answered 400), optionally naming the field at fault."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(DomainError):
    """The user's role or relation to the proposal does not allow the action (403)."""

    status_code = 403


class InvalidTransition(DomainError):
    """The action is not possible in the proposal's current state (409)."""

    status_code = 409


class StaleVersion(DomainError):
    """Someone else changed the proposal since the caller read it (412)."""

    status_code = 412
