"""The one exception hierarchy. Every error a user can cause is a PrhubError;
the CLI and the web layer translate it into a one-line message or an HTTP status."""

from __future__ import annotations


class PrhubError(Exception):
    """Base class: the message is shown to the user as is, on one line."""

    exit_code = 1


class UsageError(PrhubError):
    """Bad input on the command line: a malformed week, an unknown option value."""

    exit_code = 2


class GitError(PrhubError):
    """The repository cannot be read: not a git repository, shallow, empty, unknown branch."""


class StoreError(PrhubError):
    """The database cannot be opened or written."""


class ConfigError(PrhubError):
    """prhub.toml is malformed or names an unknown setting."""


class NotFoundError(PrhubError):
    """An unknown repository or period was asked for."""


class GitHubError(PrhubError):
    """The GitHub API refused or failed: a bad token, missing access, an unknown repository."""


class RateLimitError(GitHubError):
    """The rate-limit budget is spent (or waiting for it would exceed the bound); knows when it resets."""

    exit_code = 75  # EX_TEMPFAIL: try again later, as the message says

    def __init__(self, message: str, reset_at: int | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at
