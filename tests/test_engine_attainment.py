from datetime import date

from spm_engine.attainment import prorated_target, window_attainment

JANUARY = (date(2026, 1, 1), date(2026, 1, 31), 31_000.0)
FEBRUARY = (date(2026, 2, 1), date(2026, 2, 28), 28_000.0)
MARCH = (date(2026, 3, 1), date(2026, 3, 31), 31_000.0)


def test_quota_prorated_by_days():
    # 17 January - 15 February: 15 of January's 31 days, 31,000 x 15 / 31 = 15,000, and 15 of
    # February's 28 days, 28,000 x 15 / 28 = 15,000: 30,000 (March does not overlap)
    assert prorated_target([JANUARY, FEBRUARY, MARCH], date(2026, 1, 17), date(2026, 2, 15)) == 30_000.0
    # a whole month is its quota; a single day of February is a 28th of it
    assert prorated_target([JANUARY, FEBRUARY], date(2026, 2, 1), date(2026, 2, 28)) == 28_000.0
    assert prorated_target([FEBRUARY], date(2026, 2, 10), date(2026, 2, 10)) == 1_000.0
    # two lines of the same month (split by product category) both count: 2 days x (310 + 620) / 31 = 60
    january_services = (date(2026, 1, 1), date(2026, 1, 31), 620.0)
    assert prorated_target([(date(2026, 1, 1), date(2026, 1, 31), 310.0), january_services],
                           date(2026, 1, 1), date(2026, 1, 2)) == 60.0  # fmt: skip


def test_no_target_where_the_quota_does_not_cover_the_period():
    # no line, or lines leaving days of the period out (31 January - 1 March without February)
    assert prorated_target([], date(2026, 1, 17), date(2026, 2, 15)) is None
    assert prorated_target([JANUARY, MARCH], date(2026, 1, 31), date(2026, 3, 1)) is None
    # 20 December 2025 - 10 January 2026: the quota starts in January
    assert prorated_target([JANUARY], date(2025, 12, 20), date(2026, 1, 10)) is None


def test_window_attainment():
    # 24,000 sold from 17 January to 15 February against 30,000: 80 %
    assert window_attainment(24_000.0, [JANUARY, FEBRUARY], date(2026, 1, 17), date(2026, 2, 15)) == 80.0
    # without a quota, or with a quota of 0, a window has no attainment (not 0 %)
    assert window_attainment(24_000.0, [], date(2026, 1, 17), date(2026, 2, 15)) is None
    zero = (date(2026, 1, 1), date(2026, 1, 31), 0.0)
    assert window_attainment(0.0, [zero], date(2026, 1, 1), date(2026, 1, 31)) is None
