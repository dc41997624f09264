"""Sources: where records come from (a local git clone, the GitHub API).

Every source has one shape, modelled on perceval's ``Backend``: a name, and
``fetch(cursor)``, a generator of :class:`Page` objects. A page holds records
and the cursor that says they were read; the sync writes each page and its
cursor in one transaction, so a sync killed at any moment resumes after the
last page written, with no gap and no duplicate. The sync knows nothing else
about a source: how it reads, pages, waits or retries is the source's business.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(slots=True)
class Page:
    """Records read together, and the cursor to resume after them."""

    records: list[Any]
    cursor: str | None  # opaque to the sync; the source reads it back in fetch()
    done: int = 0  # records read so far in this fetch (for a progress bar)
    total: int | None = None  # records this fetch expects, when known
    note: dict[str, Any] = field(default_factory=dict)  # per-page figures a progress line may show


class Source(Protocol):
    """A source of records (perceval's Backend: fetch items from a cursor on)."""

    name: str  # "git", "github": the key of its cursor in the store

    def fetch(self, cursor: str | None) -> Iterator[Page]:
        """Pages of records after ``cursor`` (None: from the beginning), oldest first."""
        ...
