"""The whole exception tree of Watchkeeper.

::

    WatchkeeperError
    ├── PolicyError            the policy pack is invalid; carries every PolicyIssue (file:line + hint)
    ├── SettingsError          a setting has a bad value (raised at start-up, never later)
    ├── DetectorError          a detector failed; the cascade turns it into Signal.error, never "allow"
    │   └── JudgeUnavailableError  the LLM judge could not answer (budget, circuit open, retries spent)
    │       └── BackendError   one call to a model backend failed (HTTP status, timeout, bad body)
    ├── RegistryError          two detectors share a name, or a named detector does not exist
    ├── InputError             a malformed input record (CLI / ingest); carries the line number if known
    ├── NotFoundError          a decision, case, appeal, job or key that does not exist
    ├── ConflictError          the request clashes with the current state (case claimed by someone else,
    │                          claim expired, appeal already filed, nothing enforced to appeal)
    └── AccessDeniedError      the caller's role or queues do not allow this
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AccessDeniedError",
    "BackendError",
    "ConflictError",
    "DetectorError",
    "InputError",
    "JudgeUnavailableError",
    "NotFoundError",
    "PolicyError",
    "PolicyIssue",
    "RegistryError",
    "SettingsError",
    "WatchkeeperError",
]


class WatchkeeperError(Exception):
    """Base of every error Watchkeeper raises on purpose."""


@dataclass(frozen=True)
class PolicyIssue:
    """One problem found while loading a policy pack."""

    file: str
    line: int | None
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class PolicyError(WatchkeeperError):
    """An invalid policy pack. ``issues`` lists every problem; nothing was loaded."""

    def __init__(self, issues: list[PolicyIssue]) -> None:
        self.issues = list(issues)
        count = len(self.issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"policy pack is invalid ({count} problem{'s' if count != 1 else ''}):\n{lines}")


class SettingsError(WatchkeeperError):
    """A bad setting value."""


class DetectorError(WatchkeeperError):
    """A detector failed to produce signals."""


class JudgeUnavailableError(DetectorError):
    """The LLM judge gave no answer; the items it was asked about go to people, never to "allow"."""


class BackendError(JudgeUnavailableError):
    """A model backend call failed. ``retryable`` errors (429, 5xx, timeouts, connection resets) may
    succeed when tried again, after ``retry_after`` seconds when the server said so."""

    def __init__(
        self, message: str, *, retryable: bool, status: int | None = None, retry_after: float | None = None
    ) -> None:
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        super().__init__(message)


class RegistryError(WatchkeeperError):
    """A problem with detector registration (duplicate or unknown name, bad plugin)."""


class InputError(WatchkeeperError):
    """A malformed input record."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class NotFoundError(WatchkeeperError):
    """A decision, case, appeal, job or API key that does not exist."""


class ConflictError(WatchkeeperError):
    """The request clashes with the current state (e.g. the case is claimed by someone else)."""


class AccessDeniedError(WatchkeeperError):
    """The caller's role or queues do not allow this action."""
