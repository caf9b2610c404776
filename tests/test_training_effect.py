import random
from datetime import date

import pytest
from spm_engine.training_effect import (
    IMPROVED,
    NO_EFFECT,
    TOO_FEW,
    WORSENED,
    _Pool,
    bootstrap_interval,
    did_effect,
    windows,
)

# A worked example, computed by hand. Two trained people share one completion date; three people
# of similar jobs did not take the course. Values are the KPI over 90 days before / after.
#   trained  A: 10 -> 16 (change +6)     B: 20 -> 23 (change +3)
#   pool     X:  9 -> 11 (change +2)     Y: 19 -> 20 (change +1)     Z: 30 -> 30 (change 0)
TRAINED = [("A", 10.0, 16.0), ("B", 20.0, 23.0)]
POOL = [("X", 9.0, 11.0), ("Y", 19.0, 20.0), ("Z", 30.0, 30.0)]


def test_windows_are_equal_and_leave_out_the_completion_day():
    before, after = windows(date(2026, 4, 1), 90)
    # 90 days before 1 April: 1 January .. 31 March; after: 2 April .. 30 June
    assert before == (date(2026, 1, 1), date(2026, 3, 31))
    assert after == (date(2026, 4, 2), date(2026, 6, 30))
    assert (before[1] - before[0]).days == (after[1] - after[0]).days == 89
    with pytest.raises(ValueError):
        windows(date(2026, 4, 1), 0)


def test_nearest_baseline_difference_in_differences():
    result = did_effect([(TRAINED, POOL)], k=1, min_people=2)
    # A's baseline 10 is nearest X's 9 (distance 1): effect 6 - 2 = 4
    # B's baseline 20 is nearest Y's 19 (distance 1): effect 3 - 1 = 2
    # effect = (4 + 2) / 2 = 3; trained change (6 + 3) / 2 = 4.5; control change (2 + 1) / 2 = 1.5
    assert [(p.person, p.controls, p.effect) for p in result.people] == [("A", ("X",), 4.0), ("B", ("Y",), 2.0)]
    assert (result.trained, result.controls, result.unmatched) == (2, 2, 0)
    assert result.effect == 3.0
    assert result.trained_change == 4.5
    assert result.control_change == 1.5
    # bootstrap means of two effects are 2 (both draws 2, probability 1/4), 3 or 4 (1/4): of 1,000
    # resamples about 250 are 2 and 250 are 4, so rank 25 is 2 and rank 974 is 4
    assert (result.ci_low, result.ci_high) == (2.0, 4.0)
    assert result.verdict == IMPROVED


def test_two_controls_each():
    result = did_effect([(TRAINED, POOL)], k=2, min_people=2)
    # A (10): X (distance 1) and Y (9): control change (2 + 1) / 2 = 1.5, effect 6 - 1.5 = 4.5
    # B (20): Y (1) and Z (10, nearer than X's 11): (1 + 0) / 2 = 0.5, effect 3 - 0.5 = 2.5
    # effect (4.5 + 2.5) / 2 = 3.5, three distinct controls
    assert [p.effect for p in result.people] == [4.5, 2.5]
    assert result.effect == 3.5
    assert result.controls == 3


def test_too_few_people_to_conclude():
    result = did_effect([(TRAINED, POOL)], k=1, min_people=3)
    # 2 trained people < 3: the effect is still computed (3), the verdict says it means nothing yet
    assert result.effect == 3.0
    assert result.verdict == TOO_FEW
    # enough trained people but too few distinct controls: 3 trained, all matched with X alone
    crowd = [("A", 9.0, 10.0), ("B", 9.0, 10.0), ("C", 9.0, 10.0)]
    result = did_effect([(crowd, [("X", 9.0, 11.0), ("Z", 30.0, 30.0)])], k=1, min_people=3)
    assert (result.trained, result.controls) == (3, 1)
    assert result.verdict == TOO_FEW


def test_cohorts_are_matched_within_their_own_windows():
    # cohort 1 as above; cohort 2 (another completion date) has no pool: its trained person is unmatched
    result = did_effect([(TRAINED, POOL), ([("C", 5.0, 50.0)], [])], k=1, min_people=2)
    assert (result.trained, result.unmatched) == (2, 1)
    assert result.effect == 3.0


def test_ties_go_to_the_lower_baseline_then_the_person():
    # baseline 10 is 1 away from both 9 (P) and 11 (Q): the lower baseline, P, is the match
    result = did_effect([([("A", 10.0, 10.0)], [("Q", 11.0, 15.0), ("P", 9.0, 8.0)])], min_people=1)
    # A: change 0 - P's change (8 - 9 = -1) = 1
    assert result.people[0].controls == ("P",)
    assert result.effect == 1.0
    result = did_effect([([("A", 10.0, 10.0)], [("R", 9.0, 7.0), ("P", 9.0, 8.0)])], min_people=1)
    assert result.people[0].controls == ("P",)  # same baseline: the lower key


def test_verdicts_follow_the_direction_of_the_kpi():
    # three people whose effects are -3, -2, -4 (changes against a pool that does not move): CI below 0
    trained = [("A", 10.0, 7.0), ("B", 10.0, 8.0), ("C", 10.0, 6.0)]
    pool = [("X", 10.0, 10.0), ("Y", 10.0, 10.0), ("Z", 10.0, 10.0)]
    result = did_effect([(trained, pool)], k=3, min_people=3)
    assert result.effect == -3.0
    assert result.ci_high < 0
    assert result.verdict == WORSENED
    lower_is_better = did_effect([(trained, pool)], k=3, min_people=3, higher_is_better=False)
    assert lower_is_better.verdict == IMPROVED
    # effects +1 and -1: the interval holds 0
    mixed = did_effect([([("A", 10.0, 11.0), ("B", 10.0, 9.0)], pool)], k=3, min_people=2)
    assert mixed.effect == 0.0
    assert mixed.ci_low < 0 < mixed.ci_high
    assert mixed.verdict == NO_EFFECT


def test_bootstrap_is_seeded_and_bounded():
    values = [4.0, 2.0, 7.0, -1.0, 3.0]
    assert bootstrap_interval(values, seed=7) == bootstrap_interval(values, seed=7)
    low, high = bootstrap_interval(values, seed=7)
    # a mean of draws from the values lies between their min (-1) and max (7), around their mean 3
    assert -1.0 <= low <= 3.0 <= high <= 7.0
    assert bootstrap_interval([3.0, 3.0, 3.0]) == (3.0, 3.0)
    assert bootstrap_interval([]) == (0.0, 0.0)
    with pytest.raises(ValueError):
        did_effect([], k=0)


def test_no_trained_people():
    result = did_effect([([], POOL)], min_people=1)
    assert (result.trained, result.effect, result.verdict) == (0, 0.0, TOO_FEW)


def test_sorted_pool_finds_the_same_matches_as_a_full_sort():
    # against the definition (sort the whole pool by distance, baseline, key) on pools with many ties
    rng = random.Random(3)
    for _ in range(300):
        pool = [(f"p{i}", float(rng.randint(0, 12)), 0.0) for i in range(rng.randint(0, 30))]
        before, k = float(rng.randint(-2, 14)), rng.randint(1, 5)
        expected = sorted(pool, key=lambda m: (abs(m[1] - before), m[1], str(m[0])))[:k]
        assert _Pool(pool).nearest(before, k) == expected
