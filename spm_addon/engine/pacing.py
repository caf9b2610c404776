"""Pacing figures of one target (attainment: see engine.attainment)."""


def ratio(numerator, denominator, default=0.0):
    """numerator / denominator, or ``default`` when the denominator is zero."""
    return numerator / denominator if denominator else default


def pacing(target, actual, expected_share):
    """Figures of a target at a point in time.

    ``expected_share`` is the part of the target that should be reached by now (0.0 to 1.0),
    from working days or from the seasonal curve. Returns expected-to-date, pace (actual vs
    expected, in %), projected end result (linear from the pace) and gap (projected - target).
    """
    expected = target * expected_share
    pace = ratio(actual, expected) * 100.0 if expected_share else 0.0
    projected = ratio(actual, expected_share, default=actual)
    return {
        "expected": expected,
        "pace": pace,
        "projected": projected,
        "gap": projected - target,
    }


def is_behind(pace, threshold, elapsed_share, alert_after):
    """Whether a target is behind: its pace is below ``threshold`` (in %) once at least
    ``alert_after`` % of its period has elapsed (``elapsed_share`` 0.0 to 1.0). Early in a period a
    few days of sales say little: 3 days into a month, a salesperson without an order yet is at 0 %
    pace but not behind."""
    return elapsed_share * 100.0 >= alert_after and pace < threshold
