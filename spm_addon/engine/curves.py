"""Scoring curves: from a KPI's actual and target to a score (100 = on target)."""


def linear(actual, target, floor=0.0, cap=None, higher_is_better=True):
    """Score = actual / target x 100 (inverted when lower is better), bounded by floor and cap."""
    if higher_is_better:
        score = (actual / target * 100.0) if target else 0.0
    else:
        score = (target / actual * 100.0) if actual else (100.0 if target else 0.0)
    score = max(score, floor)
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
