"""The effect of a training on a KPI: difference-in-differences against a matched control group.

Each trained person is measured over two equal windows, before and after their completion date;
so is every person of the control pool (people who did not take the training by the end of those
windows). A trained person is matched with the ``k`` people of the pool whose baseline (value of
the before window) is nearest to theirs. Their effect is their own change minus the mean change of
their matches; the training's effect is the mean of these effects, with a bootstrap confidence
interval over the trained people. Plain numbers in, plain numbers out: no Odoo here.
"""

import math
import random
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import timedelta

TOO_FEW = "too_few"
IMPROVED = "improved"
WORSENED = "worsened"
NO_EFFECT = "no_effect"


def windows(completion_date, days):
    """The before and after windows of a completion: ``days`` days each, the completion day in
    neither. Returns ((before_from, before_to), (after_from, after_to))."""
    if days < 1:
        raise ValueError("a window lasts at least one day")
    before = (completion_date - timedelta(days=days), completion_date - timedelta(days=1))
    after = (completion_date + timedelta(days=1), completion_date + timedelta(days=days))
    return before, after


@dataclass(frozen=True)
class PersonEffect:
    """One trained person: their values, the mean change of their matches and their effect."""

    person: object
    before: float
    after: float
    controls: tuple
    control_change: float
    effect: float


@dataclass
class Effect:
    """The result of ``did_effect``."""

    trained: int = 0
    controls: int = 0
    unmatched: int = 0
    trained_change: float = 0.0
    control_change: float = 0.0
    effect: float = 0.0
    ci_low: float = 0.0
    ci_high: float = 0.0
    verdict: str = TOO_FEW
    people: list = field(default_factory=list)


class _Pool:
    """A control pool sorted by baseline: the ``k`` nearest members of a baseline in O(log n + k)."""

    def __init__(self, members):
        self.members = sorted(members, key=lambda member: (member[1], str(member[0])))
        self.baselines = [member[1] for member in self.members]

    def nearest(self, before, k):
        """The ``k`` members [(person, before, after)] with the baseline nearest ``before``; ties go
        to the lower baseline, then to the lower person key. They are among the ``k`` members on
        each side of ``before`` in baseline order (and those of equal baseline at the edges)."""
        baselines = self.baselines
        middle = bisect_left(baselines, before)
        low, high = max(0, middle - k), min(len(baselines), middle + k)
        while 0 < low < len(baselines) and baselines[low - 1] == baselines[low]:
            low -= 1
        while 0 < high < len(baselines) and baselines[high] == baselines[high - 1]:
            high += 1
        candidates = self.members[low:high]
        return sorted(candidates, key=lambda member: (abs(member[1] - before), member[1], str(member[0])))[:k]


def _mean(values):
    return sum(values) / len(values) if values else 0.0


def bootstrap_interval(values, resamples=1000, confidence=0.95, seed=0):
    """Percentile bootstrap interval of the mean of ``values``: ``resamples`` means of samples drawn
    with replacement (``random.Random(seed)``, so the same input gives the same interval), sorted;
    the bounds are the means of rank floor(alpha / 2 x R) and ceil((1 - alpha / 2) x R) - 1 (0-based)."""
    if not values:
        return 0.0, 0.0
    rng = random.Random(seed)
    size = len(values)
    means = sorted(sum(rng.choices(values, k=size)) / size for _ in range(resamples))
    alpha = 1.0 - confidence
    # rounded first: 0.975 x 1000 is 975.0000000000001 in floating point
    low = math.floor(round(alpha / 2 * resamples, 9))
    high = max(low, math.ceil(round((1 - alpha / 2) * resamples, 9)) - 1)
    return means[low], means[high]


def did_effect(
    cohorts,
    k=1,
    min_people=5,
    resamples=1000,
    confidence=0.95,
    seed=0,
    higher_is_better=True,
):
    """Difference-in-differences of a KPI for trained people against matched controls.

    ``cohorts``: iterable of (trained, pool), each a list of (person, before, after): the trained
    people who share the same windows and the control pool measured over those windows. Returns an
    ``Effect``; its verdict is TOO_FEW when fewer than ``min_people`` trained people were matched or
    fewer than ``min_people`` distinct people served as controls, else IMPROVED / WORSENED when the
    confidence interval excludes 0 (in the KPI's good / bad direction), else NO_EFFECT.
    """
    if k < 1:
        raise ValueError("match each trained person with at least one control")
    result = Effect()
    used = set()
    for trained, candidates in cohorts:
        pool = _Pool(candidates)
        for person, before, after in trained:
            matches = pool.nearest(before, k)
            if not matches:
                result.unmatched += 1
                continue
            control_change = _mean([m_after - m_before for _person, m_before, m_after in matches])
            used.update(member[0] for member in matches)
            result.people.append(
                PersonEffect(
                    person=person,
                    before=before,
                    after=after,
                    controls=tuple(member[0] for member in matches),
                    control_change=control_change,
                    effect=(after - before) - control_change,
                )
            )
    effects = [person.effect for person in result.people]
    result.trained = len(effects)
    result.controls = len(used)
    result.trained_change = _mean([person.after - person.before for person in result.people])
    result.control_change = _mean([person.control_change for person in result.people])
    result.effect = _mean(effects)
    result.ci_low, result.ci_high = bootstrap_interval(effects, resamples, confidence, seed)
    if result.trained < min_people or result.controls < min_people:
        result.verdict = TOO_FEW
    elif result.ci_low > 0:
        result.verdict = IMPROVED if higher_is_better else WORSENED
    elif result.ci_high < 0:
        result.verdict = WORSENED if higher_is_better else IMPROVED
    else:
        result.verdict = NO_EFFECT
    return result
