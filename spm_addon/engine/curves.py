"""Scoring curves: from a KPI's actual and target to a score (100 = on target)."""

from .attainment import attainment


def linear(actual, target, floor=0.0, cap=None, higher_is_better=True):
    """Score = actual / target x 100 (inverted when lower is better), bounded by floor and cap."""
    score = max(attainment(actual, target, higher_is_better), floor)
    if cap is not None:
        score = min(score, cap)
    return score


def steps(value, thresholds, higher_is_better=True):
    """Score from a table of ``(threshold, score)``: the score of the highest threshold reached.

    ``value`` is usually the attainment in %. Below every threshold the score is 0. When lower
    is better, a threshold is reached when the value is at or below it.
    """
    rows = sorted(thresholds, key=lambda r: r[0], reverse=higher_is_better)
    for threshold, score in rows:
        if (value >= threshold) if higher_is_better else (value <= threshold):
            return score
    return 0.0


def pass_fail(actual, target, pass_score=100.0, higher_is_better=True):
    """``pass_score`` when the target is met, 0 otherwise."""
    met = actual >= target if higher_is_better else actual <= target
    return pass_score if met else 0.0


def weighted_total(parts):
    """Sum of score x weight / 100 over ``(score, weight)`` pairs; weights are percents."""
    return sum(score * weight / 100.0 for score, weight in parts)


def grade(score, bands):
    """The grade of the highest band whose minimum the score reaches; ``bands``: (min, grade)."""
    for minimum, name in sorted(bands, key=lambda b: b[0], reverse=True):
        if score >= minimum:
            return name
    return None


def rank(items, key, tiebreaks=()):
    """Competition ranking (1, 2, 2, 4) of ``items`` by ``key`` descending.

    ``tiebreaks`` are further keys (descending) that separate equal scores; items still equal
    share a rank.
    """
    keys = (key, *tiebreaks)

    def sort_key(item):
        return tuple(-k(item) for k in keys)

    ordered = sorted(items, key=sort_key)
    ranks = []
    previous = None
    for position, item in enumerate(ordered, start=1):
        current = sort_key(item)
        rank_no = ranks[-1][1] if current == previous else position
        ranks.append((item, rank_no))
        previous = current
    return ranks


def ratio(numerator, denominator, factor=100.0):
    """``numerator / denominator x factor``; ``None`` when the denominator is zero (nothing to
    measure: the KPI then scores 0 and says so)."""
    if not denominator:
        return None
    return numerator / denominator * factor


def score(curve, actual, target, higher_is_better=True, floor=0.0, cap=None, thresholds=(), pass_score=100.0):
    """(attainment %, score) of a KPI on its curve: 'linear', 'steps' (on the attainment) or 'pass_fail'."""
    reached = attainment(actual, target, higher_is_better)
    if curve == "linear":
        return reached, linear(actual, target, floor, cap, higher_is_better) if target else 0.0
    if curve == "steps":
        return reached, steps(reached, thresholds)
    if curve == "pass_fail":
        return reached, pass_fail(actual, target, pass_score, higher_is_better)
    raise ValueError(f"unknown curve {curve!r}")


def distribution_excess(counts, max_shares):
    """Grades above their share of a forced distribution.

    ``counts``: {grade: number of appraisals}; ``max_shares``: {grade: maximum % (0 = no limit)}.
    Returns [(grade, count, share %, maximum %)] for every grade over its limit.
    """
    total = sum(counts.values())
    excess = []
    for grade_key, maximum in max_shares.items():
        count = counts.get(grade_key, 0)
        share = count / total * 100.0 if total else 0.0
        if maximum and share > maximum + 1e-9:
            excess.append((grade_key, count, share, maximum))
    return excess
