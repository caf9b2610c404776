import pytest
from spm_engine import clawbacks, tiers

# attainment tiers: 0-50 % at 2 %, 50-100 % at 4 %, from 100 % at 6 %
PROGRESSIVE = [(0, 50, 0.02), (50, 100, 0.04), (100, None, 0.06)]
RETROACTIVE = [(0, 100, 0.03), (100, None, 0.05)]


def test_progressive_period_reopened():
    # January paid 120,000 against 100,000: 50,000 x 2 % + 50,000 x 4 % + 20,000 x 6 % = 4,200
    paid = tiers.progressive(120_000, 120, PROGRESSIVE)[0]
    assert paid == pytest.approx(4_200)
    # B (50,000) cancelled: net 70,000 = 50,000 x 2 % + 20,000 x 4 % = 1,800; clawback 1,800 - 4,200
    recomputed = tiers.progressive(70_000, 70, PROGRESSIVE)[0]
    assert clawbacks.reopened_period(paid, recomputed, [50_000]) == [-2_400.0]


def test_retroactive_period_reopened():
    paid = tiers.retroactive(120_000, 120, RETROACTIVE)[0]  # 6,000
    assert clawbacks.reopened_period(paid, tiers.retroactive(70_000, 70, RETROACTIVE)[0], [50_000]) == [-3_900.0]
    # a credit note of 20,000: net 100,000 x 5 % = 5,000, so -1,000
    assert clawbacks.reopened_period(paid, tiers.retroactive(100_000, 100, RETROACTIVE)[0], [20_000]) == [-1_000.0]


def test_difference_spread_by_largest_remainder():
    # -2,400 over 30,000 and 20,000: -1,440 and -960
    assert clawbacks.reopened_period(4_200, 1_800, [30_000, 20_000]) == [-1_440.0, -960.0]
    # -100 over three equal documents: the cent left over goes to the first, the parts sum exactly
    parts = clawbacks.reopened_period(500, 400, [1_000, 1_000, 1_000])
    assert parts == [-33.34, -33.33, -33.33]
    assert round(sum(parts), 2) == -100


def test_a_removal_never_pays_more():
    # rates raised since the period was paid: the recomputation is above what was paid, nothing moves
    assert clawbacks.reopened_period(1_000, 1_200, [5_000]) == [0.0]
    assert clawbacks.reopened_period(1_000, 1_000, [5_000, 5_000]) == [0.0, 0.0]
    assert clawbacks.reopened_period(1_000, 0, []) == []


def test_net_credited():
    # 120,000 paid, 50,000 clawed back by a locked run, 70,000 removed now: nothing left
    assert clawbacks.net_credited(120_000, [50_000], [70_000]) == 0
    assert clawbacks.net_credited(120_000, [], [20_000]) == 100_000
