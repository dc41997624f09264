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
