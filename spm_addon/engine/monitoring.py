"""Process monitoring: is a figure abnormal against the person's (or customer's) own history?

Each check takes the figures of one person, already aggregated by the caller, and returns the
figures of a hit (a dict) or ``None``.
"""

from itertools import pairwise
from statistics import median

# MAD x 1.4826 estimates the standard deviation of normal data; its inverse is the usual 0.6745
MAD_SCALE = 1.4826
# average moving range / d2 (1.128 for ranges of two) estimates the standard deviation of a process
D2 = 1.128


def mad(values):
    """Median absolute deviation from the median."""
    centre = median(values)
    return median(abs(value - centre) for value in values)


def robust_z(value, history):
    """(value - median) / (1.4826 x MAD) of ``history``: a z-score that a few outliers in the
    history do not distort. With no spread at all (MAD 0), 0.0 when the value is the median and
    -inf or +inf otherwise."""
    centre = median(history)
    spread = MAD_SCALE * mad(history)
    if not spread:
        if value == centre:
            return 0.0
        return float("-inf") if value < centre else float("inf")
    return (value - centre) / spread


def kpi_drop(value, history, threshold=3.0, min_history=6, min_drop=0.0):
    """A sudden drop of ``value`` against ``history`` (the same KPI of the previous periods).

    A hit when the robust z-score is at or below -``threshold`` and the value is at least
    ``min_drop`` % under the median (so that a drop from a flat 10 to 9.9 is no alarm when
    ``min_drop`` is 5). ``None`` with fewer than ``min_history`` periods."""
    if len(history) < max(min_history, 1):
        return None
    z = robust_z(value, history)
    centre = median(history)
    drop = (centre - value) / centre * 100.0 if centre else 0.0
    if z <= -threshold and drop >= min_drop and value < centre:
        return {"value": value, "median": centre, "z": z, "drop": drop}
    return None


def ewma(values, lam, start):
    """Exponentially weighted moving averages of ``values`` from ``start``: z = lam x v + (1 - lam) x z."""
    averages = []
    current = start
    for value in values:
        current = lam * value + (1 - lam) * current
        averages.append(current)
    return averages


def ewma_centre(history):
    """(centre, sigma) of an EWMA chart: the history's mean and its standard deviation estimated
    from the average moving range (robust to a slow trend)."""
    centre = sum(history) / len(history)
    ranges = [abs(b - a) for a, b in pairwise(history)]
    sigma = (sum(ranges) / len(ranges)) / D2 if ranges else 0.0
    return centre, sigma


def ewma_drop(history, recent, lam=0.3, width=3.0, min_history=6):
    """A drop of the ``recent`` values below the lower EWMA control limit set by ``history``.

    The chart starts at the history's mean; after the i-th recent value its lower limit is
    centre - width x sigma x sqrt(lam / (2 - lam) x (1 - (1 - lam)^(2i))). A hit when the last
    average is under its limit. ``None`` with fewer than ``min_history`` periods."""
    if len(history) < max(min_history, 2) or not recent:
        return None
    centre, sigma = ewma_centre(history)
    last = ewma(recent, lam, centre)[-1]
    steps = len(recent)
    lower = centre - width * sigma * (lam / (2 - lam) * (1 - (1 - lam) ** (2 * steps))) ** 0.5
    if last < lower:
        return {"value": recent[-1], "ewma": last, "centre": centre, "lower": lower, "sigma": sigma}
    return None


def below_norm(value, past, share=80.0, min_periods=4):
    """Visits (or any count) of this week below the person's norm: the median of the ``past`` weeks.

    A hit when ``value`` < ``share`` % of the norm; ``None`` with fewer than ``min_periods`` past
    weeks or a norm of 0 (nothing to fall below)."""
    if len(past) < max(min_periods, 1):
        return None
    norm = median(past)
    floor = norm * share / 100.0
    if norm and value < floor:
        return {"value": value, "norm": norm, "floor": floor}
    return None


def stage_age(last_update, today, limit):
    """Days a deal has stayed in its stage, and by how much it exceeds the stage's ``limit`` (days):
    a hit when more than ``limit`` days passed since ``last_update`` (a date), else ``None``."""
    days = (today - last_update).days
    if limit is not None and days > limit:
        return {"days": days, "limit": limit, "over": days - limit}
    return None


def order_interval(order_dates):
    """A customer's usual days between orders: the median gap between consecutive order days."""
    days = sorted(set(order_dates))
    gaps = [(b - a).days for a, b in pairwise(days)]
    return median(gaps) if gaps else None


def churn_risk(order_dates, today, grace_days=0, min_orders=3):
    """A customer who has not ordered for longer than their usual interval plus ``grace_days``.

    ``order_dates``: the days the customer ordered (at least ``min_orders`` distinct days, else
    ``None``). A hit when the days since the last order exceed usual interval + grace."""
    days = sorted(set(order_dates))
    if len(days) < max(min_orders, 2):
        return None
    usual = order_interval(days)
    since = (today - days[-1]).days
    due = usual + grace_days
    if since > due:
        return {"last_order": days[-1], "interval": usual, "days_since": since, "overdue": since - due}
    return None
