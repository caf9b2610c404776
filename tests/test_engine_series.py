from datetime import date

from spm_engine.series import DatedSums


def test_range_sums_match_a_scan():
    items = [(date(2026, m, 1), 100.0 * m) for m in range(1, 13)] + [(date(2026, 3, 1), 0.25)]
    sums = DatedSums(items)
    # Q1: 100 + 200 + 300 + 0.25 (March twice)
    assert sums.total(date(2026, 1, 1), date(2026, 3, 31)) == 600.25
    # the year: 100 x (1 + ... + 12) + 0.25 = 7,800.25
    assert sums.total(date(2026, 1, 1), date(2026, 12, 31)) == 7800.25
    # bounds are inclusive, ranges without figures are 0
    assert sums.total(date(2026, 12, 1), date(2026, 12, 1)) == 1200.0
    assert sums.total(date(2027, 1, 1), date(2027, 12, 31)) == 0.0
    assert sums.total(date(2026, 5, 2), date(2026, 5, 31)) == 0.0
    assert DatedSums([]).total(date(2026, 1, 1), date(2026, 12, 31)) == 0.0


def test_cents_do_not_drift():
    items = [(date(2026, 1, 1 + i % 28), 0.1) for i in range(1000)]
    sums = DatedSums(items)
    # 1,000 x 0.10 = 100.00 exactly, and the 3 days 2-4 Jan hold 36 + 36 + 36 values of 0.10 = 10.80
    assert sums.total(date(2026, 1, 1), date(2026, 1, 31)) == 100.0
    assert sums.total(date(2026, 1, 2), date(2026, 1, 4)) == 10.8
