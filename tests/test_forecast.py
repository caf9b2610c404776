import math
import random
import time

import pytest
from spm_engine import forecast as fc


def test_wape_and_bias_of_a_small_series():
    actuals = [100.0, 200.0, 0.0, 100.0]
    forecasts = [110.0, 170.0, 10.0, 100.0]
    # |errors| 10 + 30 + 10 + 0 = 50 over actuals 400: WAPE 12.5 %
    assert fc.wape(actuals, forecasts) == pytest.approx(12.5)
    # signed errors +10 - 30 + 10 + 0 = -10 over 400: bias -2.5 % (too low)
    assert fc.bias(actuals, forecasts) == pytest.approx(-2.5)


def test_wape_with_zero_or_no_actuals():
    # nothing sold and nothing forecast: perfect; something forecast for nothing sold: undefined
    assert fc.wape([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert fc.wape([0.0, 0.0], [5.0, 0.0]) is None
    assert fc.bias([0.0, 0.0], [5.0, 0.0]) is None
    assert fc.wape([], []) == 0.0
    with pytest.raises(ValueError):
        fc.wape([1.0], [1.0, 2.0])


def test_run_rate_and_seasonal_naive():
    # the last three months 20, 30, 40 average 30
    assert fc.run_rate([10.0, 20.0, 30.0, 40.0], 2) == [30.0, 30.0]
    history = list(range(1, 15))  # 14 months: 1 .. 14
    # the next three months repeat months 3, 4, 5 of the history (values 3, 4, 5), a year earlier
    assert fc.seasonal_naive(history, 3) == [3, 4, 5]
    with pytest.raises(ValueError):
        fc.seasonal_naive(list(range(11)), 1)


def test_holt_winters_update_step():
    # level 100, trend 2, the month's seasonal a year ago +10; the month sells 115 (forecast 112)
    # level    = 0.5 x (115 - 10) + 0.5 x (100 + 2) = 52.5 + 51   = 103.5
    # trend    = 0.1 x (103.5 - 100) + 0.9 x 2      = 0.35 + 1.8  = 2.15
    # seasonal = 0.2 x (115 - 103.5) + 0.8 x 10     = 2.3 + 8     = 10.3
    level, trend, seasonal = fc.holt_winters_step(100.0, 2.0, 10.0, 115.0, 0.5, 0.1, 0.2)
    assert (level, trend, seasonal) == pytest.approx((103.5, 2.15, 10.3))


def test_holt_winters_start_and_forecast():
    history = [90.0, 110.0] * 6 + [93.0]
    # the first year averages 100: level 100, trend 0, seasonals -10 / +10 (month minus level)
    level, trend, seasonals = fc.holt_winters_init(history)
    assert (level, trend) == (100.0, 0.0)
    assert seasonals == [-10.0, 10.0] * 6
    # month 13 (a -10 month) sells 93 against 100 + 0 - 10 = 90 forecast; alpha 0.5, beta 0.1, gamma 0.2:
    # level    = 0.5 x (93 + 10) + 0.5 x (100 + 0) = 51.5 + 50 = 101.5
    # trend    = 0.1 x (101.5 - 100) + 0.9 x 0     = 0.15
    # seasonal = 0.2 x (93 - 101.5) + 0.8 x -10    = -1.7 - 8  = -9.7 (month 1's, for next year)
    # months 14 and 15: 101.5 + 0.15 + 10 = 111.65 and 101.5 + 2 x 0.15 - 10 = 91.8
    assert fc.holt_winters(history, 2, params=(0.5, 0.1, 0.2)) == pytest.approx([111.65, 91.8])
    # the same by one step of the update
    assert fc.holt_winters_step(100.0, 0.0, -10.0, 93.0, 0.5, 0.1, 0.2) == pytest.approx((101.5, 0.15, -9.7))
    # with alpha 1 the level is the month less its seasonal (93 + 10 = 103) and beta 0 keeps no trend
    assert fc.holt_winters(history, 2, params=(1.0, 0.0, 0.0)) == pytest.approx([113.0, 93.0])


def test_holt_winters_needs_a_year_and_a_month():
    with pytest.raises(ValueError):
        fc.holt_winters([1.0] * 11, 1)
    with pytest.raises(ValueError):
        fc.forecast("holt_winters", [1.0] * 12, 1)
    assert not fc.applicable("holt_winters", 12)
    assert fc.applicable("holt_winters", 13)
    # 24 months: the backtest's first origin (24 - 3 - 6 + 1 = 16 months) is enough for it, and 21
    # months (first origin 13) too; 20 months (first origin 12) are not
    assert set(fc.backtest([float(v % 12) for v in range(24)])) == {"run_rate", "seasonal_naive", "holt_winters"}
    assert "holt_winters" in fc.backtest([float(v % 12) for v in range(21)])
    assert "holt_winters" not in fc.backtest([float(v % 12) for v in range(20)])


def test_backtest_by_hand_picks_seasonal_naive():
    history = [10.0, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 12, 24]
    # horizon 1, 2 folds: origins after 12 and 13 months, forecasting months 13 (12) and 14 (24)
    # run rate: (100 + 110 + 120) / 3 = 110 vs 12, (110 + 120 + 12) / 3 = 80.67 vs 24: errors 98 + 56.67
    # seasonal naive: 10 vs 12, 20 vs 24: errors 2 + 4 = 6, WAPE 6 / 36 = 16.67 %, bias -6 / 36 = -16.67 %
    result = fc.best_forecast(history, horizon=1, folds=2)
    assert result["scores"]["run_rate"]["error"] == pytest.approx(98 + 56 + 2 / 3)
    assert result["scores"]["run_rate"]["wape"] == pytest.approx((98 + 56 + 2 / 3) / 36 * 100)
    assert result["method"] == "seasonal_naive"
    assert result["wape"] == pytest.approx(100 / 6)
    assert result["bias"] == pytest.approx(-100 / 6)
    assert result["baseline_wape"] == pytest.approx(100 / 6)
    # the forecast of month 15 repeats month 3 (30)
    assert result["forecast"] == [30.0]
    assert fc.skill(result["wape"], result["baseline_wape"]) == 0.0


def test_ties_go_to_the_simpler_method():
    # a flat series: every method forecasts it exactly, the run rate is the simplest
    result = fc.best_forecast([50.0] * 24)  # first origin after 24 - 3 - 6 + 1 = 16 months: HW scored too
    assert {s["error"] for s in result["scores"].values()} == {0.0}
    assert set(result["scores"]) == {"run_rate", "seasonal_naive", "holt_winters"}
    assert result["method"] == "run_rate"
    assert result["forecast"] == [50.0, 50.0, 50.0]


def test_holt_winters_wins_on_trend_and_seasonality():
    history = [100 + 2 * t + 30 * math.sin(2 * math.pi * t / 12) for t in range(36)]
    result = fc.best_forecast(history)
    # seasonal naive misses the trend by 2 x 12 = 24 a month on sales of ~170: about 14 % WAPE
    assert result["scores"]["seasonal_naive"]["error"] == pytest.approx(24 * 18)
    assert result["method"] == "holt_winters"
    assert result["wape"] < result["baseline_wape"] / 2
    assert fc.skill(result["wape"], result["baseline_wape"]) > 50
    # two years only (the generator's history): the same, the trend learnt from a start without one
    result = fc.best_forecast(history[:24])
    assert result["scores"]["seasonal_naive"]["error"] == pytest.approx(24 * 18)
    assert result["method"] == "holt_winters"
    assert result["wape"] < result["baseline_wape"]
    # its forecast is the fit on the whole history, as holt_winters() makes it
    assert result["forecast"] == pytest.approx(fc.holt_winters(history[:24], 3))


def test_short_and_empty_histories():
    assert fc.best_forecast([]) == {
        "method": "run_rate",
        "forecast": [0.0, 0.0, 0.0],
        "wape": None,
        "bias": None,
        "baseline_wape": None,
        "scores": {},
    }
    # two months leave no origin with three months after it: the run rate, unscored
    result = fc.best_forecast([10.0, 20.0])
    assert (result["method"], result["wape"], result["forecast"]) == ("run_rate", None, [15.0, 15.0, 15.0])
    # zero actuals in the backtest: origins after 4, 5, 6 months forecast (9 + 9 + 0) / 3 = 6, 3 and 0 for
    # months that sold 0: error 9, WAPE undefined; the run rate is still scored and chosen
    result = fc.best_forecast([9.0, 9.0, 9.0, 0.0, 0.0, 0.0, 0.0], horizon=1, folds=3)
    assert result["scores"] == {"run_rate": {"wape": None, "bias": None, "error": 9.0}}
    assert (result["method"], result["wape"], result["forecast"]) == ("run_rate", None, [0.0])


def test_probability_and_stage_weighted_pipeline():
    stages = ["new", "qualified", "proposition"]
    # closed deals: 2 won, lost in New 3, in Qualified 1, in Proposition 2
    closed = [(None, True)] * 2 + [("new", False)] * 3 + [("qualified", False)] + [("proposition", False)] * 2
    rates = fc.stage_win_rates(closed, stages)
    # Proposition reached by 2 won + 2 lost there: 2 / 4; Qualified by 2 + 1 + 2 lost: 2 / 5;
    # New by everyone, 2 won of 8
    assert rates == pytest.approx({"proposition": 0.5, "qualified": 0.4, "new": 0.25})
    deals = [
        ("2027-01", 10_000.0, "new", 10.0),
        ("2027-01", 20_000.0, "qualified", 30.0),
        ("2027-02", 8_000.0, "proposition", 70.0),
    ]
    # by probability: Jan 10,000 x 10 % + 20,000 x 30 % = 1,000 + 6,000 = 7,000; Feb 8,000 x 70 % = 5,600
    by_probability = fc.weighted_pipeline((month, revenue, prob) for month, revenue, _stage, prob in deals)
    assert by_probability == pytest.approx({"2027-01": 7_000.0, "2027-02": 5_600.0})
    # by stage history: Jan 10,000 x 0.25 + 20,000 x 0.4 = 2,500 + 8,000 = 10,500; Feb 8,000 x 0.5 = 4,000
    by_stage = fc.stage_weighted_pipeline(deals, rates)
    assert by_stage == pytest.approx({"2027-01": 10_500.0, "2027-02": 4_000.0})
    # in all 14,500 against 12,600: the history says these reps' probabilities are 1,900 too pessimistic
    assert sum(by_stage.values()) - sum(by_probability.values()) == pytest.approx(1_900.0)
    # a stage without history falls back on the deal's probability
    assert fc.stage_weighted_pipeline([("2027-03", 1_000.0, "won", 100.0)], rates) == {"2027-03": 1_000.0}
    assert fc.stage_win_rates([], stages) == {}


def test_ten_thousand_series_in_under_a_minute():
    rng = random.Random(15)
    series = [[rng.uniform(0, 1000) for _ in range(24)] for _ in range(10_000)]
    longer = [[rng.uniform(0, 1000) for _ in range(36)] for _ in range(2_000)]
    start = time.perf_counter()
    results = [fc.best_forecast(values) for values in series]
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    hw_results = [fc.best_forecast(values) for values in longer]
    hw_elapsed = time.perf_counter() - start
    assert len(results) == 10_000 and all(len(r["forecast"]) == 3 for r in results)
    assert all("holt_winters" in r["scores"] for r in results)
    assert all("holt_winters" in r["scores"] for r in hw_results)
    # 10,000 x 24 months, and 10,000 x 36 months extrapolated from 2,000 (Holt-Winters backtested in both)
    assert elapsed < 60
    assert hw_elapsed * 5 < 60


def test_a_longer_horizon_keeps_the_method_chosen_three_months_ahead():
    history = [100 + 2 * t + 30 * math.sin(2 * math.pi * t / 12) for t in range(24)]
    three = fc.best_forecast(history)
    # 12 months ahead, chosen on the 3-month backtest: the same method and scores, a year of forecast
    # whose first 3 months are the 3-month forecast (Holt-Winters' months are level + h x trend + seasonal)
    year = fc.best_forecast(history, horizon=12, backtest_horizon=3)
    assert (year["method"], year["scores"]) == (three["method"], three["scores"])
    assert len(year["forecast"]) == 12
    assert year["forecast"][:3] == pytest.approx(three["forecast"])
    # a 12-month backtest of two years starts from 24 - 12 - 6 + 1 = 7 months: the run rate only
    assert set(fc.backtest(history, horizon=12)) == {"run_rate"}
    # seasonal naive 12 months ahead repeats the last year, month by month
    assert fc.forecast("seasonal_naive", history, 12) == history[12:]
