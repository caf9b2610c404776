from datetime import date

import pytest
from spm_engine import allocation, attainment, pacing, periods


def test_largest_remainder_sums_exactly():
    assert allocation.largest_remainder(100, [1, 1, 1]) == [33.34, 33.33, 33.33]
    assert allocation.largest_remainder(1_200_000, [50, 30, 20]) == [600_000, 360_000, 240_000]
    parts = allocation.largest_remainder(1_000_000, [3, 7, 11, 13, 17], 2)
    assert round(sum(parts), 2) == 1_000_000
    # 1,000,000 x 17/51 = 333,333.333...: parts never differ from exact by a cent or more
    assert abs(parts[4] - 333_333.33) < 0.011


def test_largest_remainder_edge_cases():
    assert allocation.largest_remainder(10, [0, 0]) == [5, 5]
    assert allocation.largest_remainder(0.05, [1, 1, 1]) == [0.02, 0.02, 0.01]
    assert allocation.largest_remainder(7, [1, 2], 0) == [2, 5]  # 2.33 -> 2, 4.67 -> 5
    assert allocation.largest_remainder(5, []) == []
    with pytest.raises(ValueError):
        allocation.largest_remainder(10, [1, -1])


def test_history_weights_new_hires_get_average():
    assert allocation.history_weights([300, 0, 100]) == [300, 200, 100]
    assert allocation.history_weights([100, 100], growth_rate=0.2) == [120, 120]


def test_split_period_quarters_months_weeks():
    quarters = periods.split_period(date(2026, 1, 1), date(2026, 12, 31), "quarter")
    assert quarters[1] == (date(2026, 4, 1), date(2026, 6, 30))
    months = periods.split_period(date(2026, 1, 15), date(2026, 3, 10), "month")
    assert months == (
        (date(2026, 1, 15), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 10)),
    )
    weeks = periods.split_period(date(2026, 2, 1), date(2026, 2, 28), "week")
    assert weeks[0] == (date(2026, 2, 1), date(2026, 2, 1))  # 1 Feb 2026 is a Sunday
    assert weeks[1] == (date(2026, 2, 2), date(2026, 2, 8))
    with pytest.raises(ValueError):
        periods.split_period(date(2026, 2, 1), date(2026, 1, 1), "month")


def test_working_days_and_elapsed():
    assert periods.working_days(date(2026, 1, 1), date(2026, 12, 31)) == 261
    assert periods.working_days(date(2026, 1, 1), date(2026, 6, 30)) == 129
    assert periods.working_days(date(2026, 1, 3), date(2026, 1, 4)) == 0  # a weekend
    assert periods.elapsed_fraction(date(2026, 1, 1), date(2026, 12, 31), date(2026, 6, 30)) == 129 / 261
    assert periods.elapsed_fraction(date(2026, 1, 1), date(2026, 1, 31), date(2025, 12, 1)) == 0.0
    assert periods.elapsed_fraction(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1)) == 1.0


def test_history_periods():
    assert periods.same_period_last_year(date(2024, 2, 29), date(2024, 12, 31)) == (
        date(2023, 2, 28),
        date(2023, 12, 31),
    )
    assert periods.trailing_twelve_months(date(2026, 4, 1)) == (date(2025, 4, 1), date(2026, 3, 31))


def test_pacing_figures():
    figures = pacing.pacing(200_000, 36_000, 0.5)
    assert figures == {"expected": 100_000, "pace": 36.0, "projected": 72_000, "gap": -128_000}
    assert attainment.attainment(36_000, 200_000) == 18.0
    assert attainment.attainment(5, 0) == 0.0
    assert pacing.pacing(100, 10, 0.0)["pace"] == 0.0


def test_proportional_signed():
    # commission 7,800 over orders of 100,000 and 40,000 and a refund of -10,000 (total 130,000)
    parts = allocation.proportional(7_800, [100_000, 40_000, -10_000])
    assert parts == [6_000.0, 2_400.0, -600.0]
    parts = allocation.proportional(100, [1, 1, 1])
    assert sum(parts) == pytest.approx(100) and max(parts) == pytest.approx(33.34)
    assert allocation.proportional(50, [5, -5]) == [0.0, 0.0]
