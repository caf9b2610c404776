from datetime import date

from spm_engine.pacing import is_behind
from spm_engine.periods import elapsed_fraction


def test_no_alert_before_the_share_of_the_period():
    # 3 December: 3 of December's 31 days, 9.7 %; a salesperson without an order is at 0 % pace
    early = elapsed_fraction(date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 3), by="calendar_days")
    assert round(early, 4) == round(3 / 31, 4)
    assert not is_behind(0.0, 80.0, early, 20.0)
    # 7 December: 7 / 31 = 22.6 % of the month has elapsed, above 20 %: now 0 % pace is behind
    later = elapsed_fraction(date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 7), by="calendar_days")
    assert round(later * 100, 1) == 22.6
    assert is_behind(0.0, 80.0, later, 20.0)
    # a pace at or above the threshold is never behind; 0 % "after" alerts from the first day
    assert not is_behind(80.0, 80.0, later, 20.0)
    assert is_behind(79.9, 80.0, early, 0.0)
    # exactly at the share counts as elapsed: 20 % of a 10-day period is the end of its second day
    assert is_behind(50.0, 80.0, elapsed_fraction(date(2026, 1, 1), date(2026, 1, 10), date(2026, 1, 2), "days"), 20.0)
