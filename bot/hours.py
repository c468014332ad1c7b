"""When advisors work, so that a user who asks for a person knows when one will answer.

Configured by the organization (MADOGUCHI_ADVISOR_HOURS, MADOGUCHI_TIMEZONE,
MADOGUCHI_HOLIDAYS); described to users in their own language with Babel's calendar data, so no
weekday name or time format lives in code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_skeleton, format_time, get_day_names, get_timezone_name

from .i18n import babel_locale

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SHIFT = re.compile(r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?(?:\+[a-z]{3}(?:-[a-z]{3})?)*)\s+"
                    r"(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$")
ALWAYS = "always"
LOOKAHEAD_DAYS = 400


class HoursError(ValueError):
    pass


@dataclass(frozen=True)
class Shift:
    days: frozenset[int]        # 0 = Monday
    start: dt.time
    end: dt.time                # exclusive; 24:00 is written as 23:59


@dataclass(frozen=True)
class AdvisorHours:
    tz: ZoneInfo
    shifts: tuple[Shift, ...]   # empty: always open
    holidays: frozenset[dt.date] = frozenset()

    @classmethod
    def parse(cls, spec: str, timezone: str = "Asia/Tokyo", holidays: str = "") -> "AdvisorHours":
        """'mon-fri 09:00-18:00, sat 10:00-13:00' (or 'always'); holidays '2026-12-31,2027-01-01'."""
        try:
            tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise HoursError(f"unknown time zone {timezone!r}") from None
        shifts: list[Shift] = []
        if spec.strip().lower() != ALWAYS:
            for part in filter(None, (p.strip().lower() for p in spec.split(","))):
                match = _SHIFT.match(part)
                if match is None:
                    raise HoursError(f"cannot read {part!r}; write e.g. 'mon-fri 09:00-18:00'")
                start, end = _time(match["start"]), _time(match["end"])
                if end <= start:
                    raise HoursError(f"{part!r}: the end must be after the start")
                shifts.append(Shift(_days(match["days"]), start, end))
            if not shifts:
                raise HoursError("no working hours given; write 'always' for a round-the-clock desk")
        dates: set[dt.date] = set()
        for item in filter(None, (h.strip() for h in holidays.split(","))):
            try:
                dates.add(dt.date.fromisoformat(item))
            except ValueError:
                raise HoursError(f"holiday {item!r} is not a YYYY-MM-DD date") from None
        return cls(tz, tuple(shifts), frozenset(dates))

    def is_open(self, now: dt.datetime) -> bool:
        if not self.shifts:
            return True
        local = now.astimezone(self.tz)
        if local.date() in self.holidays:
            return False
        return any(local.weekday() in s.days and s.start <= local.time() < s.end for s in self.shifts)

    def next_open(self, now: dt.datetime) -> dt.datetime | None:
        """The next moment an advisor is at work (now, when open)."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.tz)
        for offset in range(LOOKAHEAD_DAYS):
            day = local.date() + dt.timedelta(days=offset)
            if day in self.holidays:
                continue
            starts = sorted(s.start for s in self.shifts if day.weekday() in s.days)
            for start in starts:
                moment = dt.datetime.combine(day, start, self.tz)
                if moment > local:
                    return moment
        return None

    # -- in the user's language -----------------------------------------------------------------

    def describe(self, lang: str) -> str:
        """'Monday–Friday 9:00 AM–6:00 PM (Japan Time)', in the user's language."""
        locale = babel_locale(_babel_lang(lang))
        names = get_day_names("wide", locale=locale)
        parts = []
        for shift in self.shifts:
            days = ", ".join(names[a] if a == b else f"{names[a]}–{names[b]}" for a, b in _runs(shift.days))
            parts.append(f"{days} {format_time(shift.start, 'short', locale=locale)}–"
                         f"{format_time(shift.end, 'short', locale=locale)}")
        return f"{'; '.join(parts)} ({get_timezone_name(self.tz, 'long', locale=locale)})"

    def describe_moment(self, moment: dt.datetime, lang: str) -> str:
        """'Mon, Nov 30 9:00 AM (Japan Time)', in the user's language."""
        locale = babel_locale(_babel_lang(lang))
        local = moment.astimezone(self.tz)
        return (f"{format_skeleton('MMMEd', local, locale=locale, fuzzy=True)} "
                f"{format_time(local, 'short', locale=locale)} ({get_timezone_name(self.tz, 'long', locale=locale)})")


def _babel_lang(lang: str) -> str:
    return "zh-Hant" if lang == "zh-Hans" else lang


def _time(text: str) -> dt.time:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours == 24 and minutes == 0:
        return dt.time(23, 59, 59)
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise HoursError(f"{text!r} is not a time of day")
    return dt.time(hours, minutes)


def _days(text: str) -> frozenset[int]:
    days: set[int] = set()
    for group in text.split("+"):
        first, _, last = group.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise HoursError(f"{group!r}: days are {', '.join(DAYS)}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        if b < a:
            raise HoursError(f"{group!r}: write the days in week order (mon-sun)")
        days.update(range(a, b + 1))
    return frozenset(days)


def _runs(days: frozenset[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for day in sorted(days):
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
