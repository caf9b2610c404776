import math
from datetime import date

import pytest
from spm_engine import monitoring as mon

# seven months of a salesperson's KPI: sorted 10 11 11 12 12 12 13, median 12;
# deviations 2 1 1 0 0 0 1, sorted 0 0 0 1 1 1 2: MAD 1, spread 1.4826 x 1 = 1.4826
HISTORY = [10.0, 12.0, 11.0, 13.0, 12.0, 11.0, 12.0]


def test_robust_z_score_hit_and_non_hit():
    assert mon.mad(HISTORY) == 1.0
    # 6 this month: (6 - 12) / 1.4826 = -4.047, beyond -3: a drop
    assert mon.robust_z(6.0, HISTORY) == pytest.approx(-4.0469, abs=1e-4)
    hit = mon.kpi_drop(6.0, HISTORY, threshold=3.0)
    assert hit == pytest.approx({"value": 6.0, "median": 12.0, "z": -6 / 1.4826, "drop": 50.0})
    # 9 this month: (9 - 12) / 1.4826 = -2.02, within the limit: no hit
    assert mon.robust_z(9.0, HISTORY) == pytest.approx(-2.0235, abs=1e-4)
    assert mon.kpi_drop(9.0, HISTORY, threshold=3.0) is None
    # a rise is never a drop
    assert mon.kpi_drop(30.0, HISTORY) is None


def test_robust_z_ignores_an_outlier_in_the_history():
    # one record month of 100 leaves median 12 and MAD 1 (deviations 2 1 1 0 0 0 1 88: median 1)
    assert mon.robust_z(6.0, [*HISTORY, 100.0]) == pytest.approx((6 - 12) / 1.4826)


def test_flat_history_and_short_history():
    # no spread: any fall is infinitely unusual; ``min_drop`` keeps a 1 % dip from being an alarm
    assert mon.robust_z(9.9, [10.0] * 6) == -math.inf
    assert mon.robust_z(10.0, [10.0] * 6) == 0.0
    assert mon.kpi_drop(9.9, [10.0] * 6, min_drop=5.0) is None
    assert mon.kpi_drop(5.0, [10.0] * 6, min_drop=5.0)["drop"] == 50.0
    # five months is too short a history to judge (six required)
    assert mon.kpi_drop(0.0, HISTORY[:5]) is None
    # a zero median: nothing to drop from
    assert mon.kpi_drop(0.0, [0.0] * 6) is None


def test_ewma_control_limits():
    history = [10.0, 12.0, 10.0, 12.0, 10.0, 12.0]
    # mean 11; moving ranges all 2: sigma = 2 / 1.128 = 1.77305
    centre, sigma = mon.ewma_centre(history)
    assert (centre, sigma) == pytest.approx((11.0, 2 / 1.128))
    # one new month of 5: EWMA 0.3 x 5 + 0.7 x 11 = 9.2;
    # limit 11 - 3 x 1.77305 x sqrt(0.3 / 1.7 x (1 - 0.7^2)) = 11 - 3 x 1.77305 x sqrt(0.09) = 11 - 1.59574 = 9.40426
    hit = mon.ewma_drop(history, [5.0])
    assert hit["ewma"] == pytest.approx(9.2)
    assert hit["lower"] == pytest.approx(11 - 3 * (2 / 1.128) * 0.3)
    # a month of 7: EWMA 0.3 x 7 + 7.7 = 9.8, above 9.40426: no hit
    assert mon.ewma_drop(history, [7.0]) is None
    assert mon.ewma_drop(history[:5], [0.0]) is None
    assert mon.ewma_drop(history, []) is None


def test_visits_below_weekly_norm():
    past = [10, 8, 12, 10]
    # norm: median of 8 10 10 12 = 10; floor 80 % = 8; 7 visits is below, 8 is not
    assert mon.below_norm(7, past) == {"value": 7, "norm": 10.0, "floor": 8.0}
    assert mon.below_norm(8, past) is None
    assert mon.below_norm(0, past[:3]) is None  # three past weeks: too few
    assert mon.below_norm(0, [0, 0, 0, 0]) is None  # a norm of nothing


def test_stage_aging():
    # 1 Oct to 3 Dec 2026: 30 (Oct) + 30 (Nov) + 3 = 63 days
    assert mon.stage_age(date(2026, 10, 1), date(2026, 12, 3), 30) == {"days": 63, "limit": 30, "over": 33}
    assert mon.stage_age(date(2026, 10, 1), date(2026, 12, 3), 63) is None
    assert mon.stage_age(date(2026, 10, 1), date(2026, 12, 3), None) is None


def test_churn_risk():
    orders = [date(2026, 1, 5), date(2026, 2, 4), date(2026, 3, 1), date(2026, 4, 5), date(2026, 4, 5)]
    # distinct days' gaps: 30, 25, 35 days: usual interval 30
    assert mon.order_interval(orders) == 30
    # 20 May: 45 days since 5 April > 30 + 10 days of grace: a hit, 5 days overdue
    assert mon.churn_risk(orders, date(2026, 5, 20), grace_days=10) == {
        "last_order": date(2026, 4, 5),
        "interval": 30,
        "days_since": 45,
        "overdue": 5,
    }
    # 10 May: 35 days, within 40: no hit
    assert mon.churn_risk(orders, date(2026, 5, 10), grace_days=10) is None
    # two order days are too few to know the customer's rhythm
    assert mon.churn_risk(orders[:2], date(2027, 1, 1)) is None
    assert mon.churn_risk([], date(2027, 1, 1)) is None
