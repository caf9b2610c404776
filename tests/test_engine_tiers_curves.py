import pytest
from spm_engine import curves, tiers

TIERS = [(0, 100, 0.05), (100, 120, 0.08), (120, None, 0.12)]


def test_progressive_and_retroactive_worked_example():
    # quota 100,000, sales 130,000 (130 %): 100,000 x 5 % + 20,000 x 8 % + 10,000 x 12 %
    total, rows = tiers.progressive(130_000, 130, TIERS)
    assert total == pytest.approx(5_000 + 1_600 + 1_200)
    assert [round(r[3]) for r in rows] == [100_000, 20_000, 10_000]
    total, rows = tiers.retroactive(130_000, 130, TIERS)
    assert total == pytest.approx(15_600)  # 130,000 x 12 %
    assert rows[0][2] == 0.12


def test_tiers_validation():
    with pytest.raises(tiers.TierError, match="overlap"):
        tiers.check_tiers([(0, 100, 0.05), (90, None, 0.08)])
    with pytest.raises(tiers.TierError, match="gap"):
        tiers.check_tiers([(0, 100, 0.05), (110, None, 0.08)])
    with pytest.raises(tiers.TierError, match="negative"):
        tiers.check_tiers([(0, None, -0.05)])
    with pytest.raises(tiers.TierError, match="open-ended"):
        tiers.check_tiers([(0, None, 0.05), (100, 200, 0.08)])


def test_gate_and_cap():
    assert tiers.apply_gate_and_cap(5_000, 75, gate=80) == 0.0
    assert tiers.apply_gate_and_cap(7_800, 130, gate=80, cap=6_000) == 6_000
    assert tiers.apply_gate_and_cap(4_000, 90, gate=80, cap=6_000) == 4_000


def test_scoring_curves():
    assert curves.linear(112, 100, cap=110) == 110
    assert curves.linear(50, 100, floor=60) == 60
    assert curves.linear(8, 10, higher_is_better=False) == 125.0  # lower is better: 10 / 8
    assert curves.steps(95, [(80, 60), (90, 80), (100, 100)]) == 80
    assert curves.steps(70, [(80, 60), (90, 80)]) == 0.0
    assert curves.pass_fail(10, 10) == 100.0
    assert curves.pass_fail(9, 10) == 0.0


def test_weighted_total_and_grade():
    # 0.6 x 110 + 0.2 x 80 + 0.2 x 90 = 100
    total = curves.weighted_total([(110, 60), (80, 20), (90, 20)])
    assert total == pytest.approx(100.0)
    bands = [(110, "S"), (100, "A"), (85, "B"), (70, "C"), (0, "D")]
    assert curves.grade(total, bands) == "A"
    assert curves.grade(69.9, bands) == "D"


def test_rank_with_ties_and_tiebreak():
    people = [("ann", 90, 5), ("bob", 95, 1), ("cy", 90, 7), ("dee", 90, 5)]
    ranked = curves.rank(people, key=lambda p: p[1])
    assert [(p[0], r) for p, r in ranked] == [("bob", 1), ("ann", 2), ("cy", 2), ("dee", 2)]
    ranked = curves.rank(people, key=lambda p: p[1], tiebreaks=(lambda p: p[2],))
    assert [(p[0], r) for p, r in ranked] == [("bob", 1), ("cy", 2), ("ann", 3), ("dee", 3)]


def test_kpi_score_worked_example():
    # revenue 112,000 against 100,000: 112 % attainment, linear curve capped at 110 -> 110
    assert curves.score("linear", 112_000, 100_000, cap=110) == (pytest.approx(112.0), 110)
    # weighted: 0.6 x 110 + 0.2 x 80 + 0.2 x 90 = 100
    assert curves.weighted_total([(110, 60), (80, 20), (90, 20)]) == pytest.approx(100)
    # lower is better: 4 days against a target of 5 -> 125 %
    assert curves.score("linear", 4, 5, higher_is_better=False)[0] == pytest.approx(125)
    # steps on the attainment: 95 % reaches the 90 % step
    assert curves.score("steps", 95, 100, thresholds=[(80, 50), (90, 80), (100, 100)])[1] == 80
    assert curves.score("pass_fail", 99, 100) == (pytest.approx(99), 0.0)
    assert curves.score("linear", 50, 0) == (0.0, 0.0)  # no target, no score


def test_ratio_and_distribution():
    assert curves.ratio(3, 12) == pytest.approx(25.0)
    assert curves.ratio(3, 0) is None
    excess = curves.distribution_excess({"S": 3, "A": 4, "B": 3}, {"S": 20, "A": 0, "B": 50})
    assert excess == [("S", 3, pytest.approx(30.0), 20)]
    assert curves.distribution_excess({}, {"S": 20}) == []
