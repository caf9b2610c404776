"""Attainment: the one definition shared by quotas, KPIs and commissions."""

from datetime import timedelta


def attainment(actual, target, higher_is_better=True):
    """Percent of ``target`` reached by ``actual``; 0 without a target.

    When lower is better (e.g. days to close), it is target / actual: 10 days against a target of 12
    is 120 %; an actual of 0 then reaches everything (100 %)."""
    if not target:
        return 0.0
    if higher_is_better:
        return actual / target * 100.0
    return target / actual * 100.0 if actual else 100.0


def group_attainment(rows):
    """Attainment of a group of (actual, target) pairs: the sum of actuals over the sum of targets,
    never an average of percentages."""
    actual = sum(row[0] for row in rows)
    target = sum(row[1] for row in rows)
    return attainment(actual, target)


def prorated_target(lines, date_from, date_to):
    """The target of [date_from, date_to] (both days included) from quota lines [(line_from, line_to,
    target)]: the quota prorated by days, each line overlapping the period counting for its target x
    overlapping days / its days. None when the lines do not cover every day of the period (a target
    for part of it only would set a whole period's actual against part of its quota).

    January 31,000 and February 28,000, period 17 January - 15 February: 15 of January's 31 days
    (15,000) + 15 of February's 28 (15,000) = 30,000."""
    total = 0.0
    covered = set()
    for line_from, line_to, target in lines:
        start, end = max(line_from, date_from), min(line_to, date_to)
        if start > end:
            continue
        days = (end - start).days + 1
        total += target * days / ((line_to - line_from).days + 1)
        covered.update(start + timedelta(days=offset) for offset in range(days))
    if len(covered) < (date_to - date_from).days + 1:
        return None
    return total


def window_attainment(actual, lines, date_from, date_to):
    """Attainment (%) of ``actual`` over [date_from, date_to] against the ``prorated_target`` of the
    quota ``lines``; None without a positive target over the whole period (no quota is not 0 %)."""
    target = prorated_target(lines, date_from, date_to)
    if not target or target < 0:
        return None
    return actual / target * 100.0
