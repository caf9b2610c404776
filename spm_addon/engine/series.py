"""Sums of dated figures over date ranges, answered from prefix sums."""

from bisect import bisect_left, bisect_right
from itertools import accumulate


class DatedSums:
    """Figures by day (or by first day of the month), summed over any [start, end] in O(log n).

    Building costs one sort; each range sum is two bisections and a subtraction, so a cascade of
    hundreds of thousands of targets reads its actuals without scanning the figures once per target.
    """

    __slots__ = ("_days", "_sums")

    def __init__(self, items):
        """``items``: iterable of (day, value); a day may repeat."""
        by_day = {}
        for day, value in items:
            by_day[day] = by_day.get(day, 0.0) + value
        self._days = sorted(by_day)
        self._sums = [0.0, *accumulate(by_day[day] for day in self._days)]

    def total(self, start, end):
        """Sum of the values dated in [start, end]."""
        low = bisect_left(self._days, start)
        high = bisect_right(self._days, end)
        if high <= low:
            return 0.0
        # rounded to a millionth: the difference of two long float sums carries noise far below a cent
        return round(self._sums[high] - self._sums[low], 6)
