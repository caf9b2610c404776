"""Calendar arithmetic: splitting a period and measuring elapsed time."""

from datetime import date, timedelta
from functools import lru_cache


def _month_end(day):
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


@lru_cache(maxsize=1024)
def split_period(date_from, date_to, unit):
    """Cut [date_from, date_to] into consecutive ``unit`` periods ('quarter', 'month', 'week'): a tuple
    of (start, end). Months and quarters follow the calendar; the first and last part are clipped to
    the range. Cached: every salesperson of a cascade splits the same dates.
    """
    if date_to < date_from:
        raise ValueError("the period ends before it starts")
    parts = []
    start = date_from
    while start <= date_to:
        if unit == "month":
            end = _month_end(start)
        elif unit == "quarter":
            last_month = ((start.month - 1) // 3) * 3 + 3
            end = _month_end(date(start.year, last_month, 1))
        elif unit == "week":
            end = start + timedelta(days=6 - start.weekday())
        else:
            raise ValueError(f"unknown period unit {unit!r}")
        end = min(end, date_to)
        parts.append((start, end))
        start = end + timedelta(days=1)
    return tuple(parts)


def working_days(date_from, date_to, holidays=()):
    """Number of Monday-Friday days in [date_from, date_to], minus ``holidays``."""
    if date_to < date_from:
        return 0
    days = (date_to - date_from).days + 1
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for i in range(rest):
        if (date_from + timedelta(days=full_weeks * 7 + i)).weekday() < 5:
            count += 1
    count -= sum(1 for h in holidays if date_from <= h <= date_to and h.weekday() < 5)
    return count


@lru_cache(maxsize=4096)  # a cascade asks the same few periods hundreds of thousands of times
def elapsed_fraction(date_from, date_to, today, by="working_days"):
    """Share of [date_from, date_to] elapsed at the end of ``today`` (0.0 to 1.0)."""
    if today < date_from:
        return 0.0
    if today >= date_to:
        return 1.0
    if by == "working_days":
        total = working_days(date_from, date_to)
        if total:
            return working_days(date_from, today) / total
    total = (date_to - date_from).days + 1
    return ((today - date_from).days + 1) / total


def same_period_last_year(date_from, date_to):
    """The same dates one year earlier (29 February becomes 28 February)."""

    def back(day):
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)

    return back(date_from), back(date_to)


def trailing_twelve_months(date_from):
    """The twelve months that end the day before ``date_from``."""
    start, _end = same_period_last_year(date_from, date_from)
    return start, date_from - timedelta(days=1)
