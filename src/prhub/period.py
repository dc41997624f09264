"""Report periods: ISO weeks, months, and free ranges, in a time zone.

A period is half-open, [start, end), with both ends aware datetimes in the
period's time zone. Its slug (``2026-04-06-to-2026-04-12``) names the first
and the last day and is what the website's URLs use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prhub import catalogue
from prhub.errors import UsageError

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SLUG = re.compile(r"^(\d{4}-\d{2}-\d{2})-to-(\d{4}-\d{2}-\d{2})$")

# A report reads months of history before its period (trends, core paths) and a
# little after it; dates near year 1 or 9999 would overflow Python's calendar.
MIN_YEAR, MAX_YEAR = 1900, 9990


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {name!r} (use an IANA name such as UTC or Asia/Shanghai)") from None


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware
    kind: str  # week, month or range
    tz: str

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).date()

    @property
    def slug(self) -> str:
        return f"{self.start.date().isoformat()}-to-{self.last_day.isoformat()}"

    def label(self, lang: str = "en") -> str:
        words = catalogue.words(lang, "period_labels")
        first, last = self.start.date(), self.last_day
        span = words["span"].format(first=first, last=last)
        if self.kind == "week":
            year, week, _ = first.isocalendar()
            return words["week"].format(year=year, week=week, first=first, last=last, span=span)
        if self.kind == "month":
            return words["month"].format(first=first, last=last, span=span)
        if first.year != last.year:
            span = words["span_long"].format(first=first, last=last)
        return words["range"].format(first=first, last=last, span=span)

    def previous(self, n: int = 1) -> Period:
        """The period of the same kind n steps earlier (same length for ranges)."""
        if self.kind == "month":
            first = self.start.date().replace(day=1)
            for _ in range(n):
                first = (first - timedelta(days=1)).replace(day=1)
            return month(f"{first:%Y-%m}", self.tz)
        span = self.end - self.start
        return Period(self.start - span * n, self.end - span * n, self.kind, self.tz)

    def to_json(self, lang: str = "en") -> dict[str, str]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label(lang),
            "timezone": self.tz,
            "kind": self.kind,
            "slug": self.slug,
        }


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def supported(first: date, last: date) -> bool:
    return first.year >= MIN_YEAR and last.year <= MAX_YEAR


def _check_years(first: date, last: date, what: str) -> None:
    if not supported(first, last):
        raise UsageError(f"{what} is outside the years prhub reports on ({MIN_YEAR} to {MAX_YEAR})")


def week(spec: str, tz: str = "UTC") -> Period:
    """``2026-W15`` (or ``2026W15``): Monday 00:00 to the next Monday 00:00."""
    found = _WEEK.match(spec.strip())
    if not found:
        raise UsageError(f"malformed week {spec!r}: expected YYYY-Www, e.g. 2026-W15")
    year, number = int(found[1]), int(found[2])
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise UsageError(f"no week {number} in {year}: ISO weeks run from W01 to W52 or W53") from None
    _check_years(monday, monday, f"week {spec.strip()!r}")
    z = zone(tz)
    return Period(_midnight(monday, z), _midnight(monday + timedelta(days=7), z), "week", tz)


def month(spec: str, tz: str = "UTC") -> Period:
    found = _MONTH.match(spec.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise UsageError(f"malformed month {spec!r}: expected YYYY-MM, e.g. 2026-04")
    first = date(int(found[1]), int(found[2]), 1)
    _check_years(first, first, f"month {spec.strip()!r}")
    after = (first + timedelta(days=32)).replace(day=1)
    z = zone(tz)
    return Period(_midnight(first, z), _midnight(after, z), "month", tz)


def _moment(text: str, tz: ZoneInfo, what: str) -> tuple[datetime, bool]:
    """A date or datetime; the flag says whether it was a bare date."""
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            _check_years(day, day, f"{what} {text.strip()!r}")
            return _midnight(day, tz), True
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"malformed {what} {text!r}: expected a date (2026-04-01) or a datetime") from None
    _check_years(moment.date(), moment.date(), f"{what} {text.strip()!r}")
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)), False


def between(since: str, until: str | None, tz: str = "UTC", now: datetime | None = None) -> Period:
    """``--since``/``--until``: a bare ``--until`` date includes that whole day."""
    z = zone(tz)
    start, _ = _moment(since, z, "--since")
    if until is None:
        end = now or datetime.now(z)
    else:
        end, bare = _moment(until, z, "--until")
        if bare:
            end += timedelta(days=1)
    if end <= start:
        raise UsageError(f"empty period: --until ({until}) is not after --since ({since})")
    _check_years(start.date(), end.date(), "the period")
    return Period(start, end, "range", tz)


def last_complete_week(tz: str = "UTC", now: datetime | None = None) -> Period:
    z = zone(tz)
    today = (now or datetime.now(z)).astimezone(z).date()
    this_monday = today - timedelta(days=today.weekday())
    year, number, _ = (this_monday - timedelta(days=7)).isocalendar()
    return week(f"{year}-W{number:02d}", tz)


def from_slug(slug: str, tz: str = "UTC") -> Period:
    """The period a URL names: a whole ISO week or month when it is one, else a range."""
    found = _SLUG.match(slug)
    if not found:
        raise UsageError(f"malformed period {slug!r}: expected YYYY-MM-DD-to-YYYY-MM-DD")
    try:
        first, last = date.fromisoformat(found[1]), date.fromisoformat(found[2])
    except ValueError:
        raise UsageError(f"malformed period {slug!r}: not a real date") from None
    if last < first:
        raise UsageError(f"malformed period {slug!r}: ends before it starts")
    _check_years(first, last, f"period {slug!r}")
    if first.weekday() == 0 and last == first + timedelta(days=6):
        year, number, _ = first.isocalendar()
        return week(f"{year}-W{number:02d}", tz)
    if first.day == 1 and (last + timedelta(days=1)).day == 1 and last.month == first.month:
        return month(f"{first:%Y-%m}", tz)
    return between(found[1], found[2], tz)
