"""Attainment: the one definition shared by quotas, KPIs and commissions."""


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
