"""Sales forecasts of a monthly series, their accuracy and the choice of a method by backtest.

A series is a list of monthly figures, oldest first, with no gaps (a month without sales is 0).
Plain Python on purpose: one series costs microseconds, so 10,000 salespeople are forecast in seconds.
"""

PERIOD = 12
# simplest first: a tie in the backtest goes to the earlier method
METHODS = ("run_rate", "seasonal_naive", "holt_winters")
# Holt-Winters smoothing parameters tried (alpha: level, beta: trend, gamma: seasonality)
HW_GRID = tuple((a, b, g) for a in (0.2, 0.5, 0.8) for b in (0.0, 0.1) for g in (0.1, 0.3))
# the first year starts the level and the seasonals (holt_winters_init), at least one month updates them
HW_MIN_MONTHS = PERIOD + 1


# Methods


def run_rate(history, horizon, window=3):
    """The average of the last ``window`` months, for each of the next ``horizon`` months."""
    recent = history[-window:]
    level = sum(recent) / len(recent) if recent else 0.0
    return [level] * horizon


def seasonal_naive(history, horizon, period=PERIOD):
    """The same month of the last year, for each of the next ``horizon`` months."""
    if len(history) < period:
        raise ValueError(f"seasonal naive needs {period} months of history, got {len(history)}")
    start = len(history) - period
    return [history[start + h % period] for h in range(horizon)]


def holt_winters_init(history, period=PERIOD):
    """(level, trend, seasonals) from the first year only, so that Holt-Winters can be fitted (and
    backtested) from 13 months of history: the level is the first year's mean, the trend 0, a seasonal
    the first year's month minus the level.

    Why one year and a zero trend: the classic start (Winters 1960) takes the trend from the change between the
    first two years' means, which needs two years before the first forecast; the backtest then needs 2 years + its 6
    origins + 3 months (33 months) before Holt-Winters competes, more than most salespeople have. One year cannot
    tell a trend from the season (a December peak would read as growth), so the trend starts at 0 and the updates
    learn it: ``beta`` of HW_GRID sets how fast (0 keeps no trend at all: additive seasonal exponential smoothing).
    The start reads only the first year, which every origin of the backtest has seen, so fitting once and stopping
    at each origin stays free of look-ahead."""
    if len(history) < period:
        raise ValueError(f"Holt-Winters needs {period} months of history, got {len(history)}")
    first = sum(history[:period]) / period
    return first, 0.0, [value - first for value in history[:period]]


def holt_winters_step(level, trend, seasonal, value, alpha, beta, gamma):
    """One additive Holt-Winters update with the month's ``value`` and its seasonal of a year ago:
    returns the new (level, trend, seasonal)."""
    new_level = alpha * (value - seasonal) + (1 - alpha) * (level + trend)
    new_trend = beta * (new_level - level) + (1 - beta) * trend
    new_seasonal = gamma * (value - new_level) + (1 - gamma) * seasonal
    return new_level, new_trend, new_seasonal


def _hw_pass(history, alpha, beta, gamma, period, origins, horizon, start=None):
    """One pass of Holt-Winters over ``history``: its forecasts of ``horizon`` months from each of
    ``origins`` (numbers of months known, each > 1 period) and the running one-step squared
    errors up to each origin. A recursive method fitted on the first t months is the pass stopped
    at t, so the backtest of every origin costs one pass. ``start``: holt_winters_init(history) when
    already known (the same for every parameter set)."""
    level, trend, seasonals = start or holt_winters_init(history, period)
    seasonals = list(seasonals)
    wanted = set(origins)
    forecasts, sse = {}, {}
    errors = 0.0
    n = len(history)
    # the first year set the seasonals; the updates (holt_winters_step) run from the second year on
    for t in range(period, n + 1):
        if t in wanted:
            forecasts[t] = [level + (h + 1) * trend + seasonals[(t + h) % period] for h in range(horizon)]
            sse[t] = errors
        if t == n:
            break
        value = history[t]
        slot = t % period
        errors += (value - (level + trend + seasonals[slot])) ** 2
        level, trend, seasonals[slot] = holt_winters_step(level, trend, seasonals[slot], value, alpha, beta, gamma)
    return forecasts, sse


def _hw_fits(history, period, origins, horizon):
    """The passes of every parameter set of HW_GRID (see _hw_pass), from one start."""
    start = holt_winters_init(history, period)
    return [_hw_pass(history, *params, period, origins, horizon, start) for params in HW_GRID]


def _hw_best(passes, t):
    """The forecasts from origin ``t`` of the pass with the least one-step error before ``t`` (the
    first of HW_GRID on a tie)."""
    best = None
    for forecasts, sse in passes:
        if best is None or sse[t] < best[0] - 1e-9:
            best = (sse[t], forecasts[t])
    return best[1]


def holt_winters(history, horizon, params=None, period=PERIOD):
    """Additive Holt-Winters forecast of the next ``horizon`` months (needs HW_MIN_MONTHS of history).

    ``params`` (alpha, beta, gamma) fixes the smoothing; by default the set of HW_GRID with the least
    one-step squared error over the history is used."""
    n = len(history)
    if params:
        return _hw_pass(history, *params, period, (n,), horizon)[0][n]
    return _hw_best(_hw_fits(history, period, (n,), horizon), n)


def applicable(method, months, period=PERIOD):
    """Whether ``method`` can forecast from ``months`` months of history."""
    if method == "run_rate":
        return months >= 1
    if method == "seasonal_naive":
        return months >= period
    if method == "holt_winters":
        return months >= period + 1
    raise ValueError(f"unknown forecast method {method!r}")


def forecast(method, history, horizon, period=PERIOD):
    """The ``horizon`` next months of ``history`` by ``method`` (one of METHODS)."""
    if not applicable(method, len(history), period):
        raise ValueError(f"{method} cannot forecast from {len(history)} months of history")
    if method == "run_rate":
        return run_rate(history, horizon)
    if method == "seasonal_naive":
        return seasonal_naive(history, horizon, period)
    return holt_winters(history, horizon, period=period)


# Pipeline


def weighted_pipeline(deals):
    """Expected revenue x probability, summed by expected close month.

    ``deals``: (close month, expected revenue, probability in %). Returns {month: amount}."""
    by_month = {}
    for month, revenue, probability in deals:
        by_month[month] = by_month.get(month, 0.0) + revenue * probability / 100.0
    return by_month


def stage_win_rates(closed_deals, stages):
    """Historical chance to win a deal that reached each stage: won / (won + lost) among the closed
    deals that reached it.

    ``stages``: the stages in funnel order. ``closed_deals``: (last stage, is won). A deal lost in a
    stage reached it and every stage before it; a won deal reached them all. Returns {stage: rate
    (0.0 to 1.0)} for the stages some closed deal reached."""
    position = {stage: index for index, stage in enumerate(stages)}
    won = 0
    lost_at = [0] * len(stages)
    for stage, is_won in closed_deals:
        if is_won:
            won += 1
        elif stage in position:
            lost_at[position[stage]] += 1
    rates = {}
    lost_later = 0  # lost in this stage or after it: they reached this stage
    for index in range(len(stages) - 1, -1, -1):
        lost_later += lost_at[index]
        if won + lost_later:
            rates[stages[index]] = won / (won + lost_later)
    return rates


def stage_weighted_pipeline(deals, rates):
    """Expected revenue x the historical win rate of the deal's stage, by expected close month.

    ``deals``: (close month, expected revenue, stage, probability in %); a stage without history
    falls back on the deal's probability. Returns {month: amount}."""
    by_month = {}
    for month, revenue, stage, probability in deals:
        rate = rates.get(stage, probability / 100.0)
        by_month[month] = by_month.get(month, 0.0) + revenue * rate
    return by_month


# Accuracy


def wape(actuals, forecasts):
    """Weighted absolute percentage error, in %: sum |forecast - actual| / sum |actual| x 100.

    Zero actuals: 0.0 when every forecast is exact too, else ``None`` (undefined, not infinite)."""
    errors = sum(abs(f - a) for a, f in zip(actuals, forecasts, strict=True))
    total = sum(abs(a) for a in actuals)
    if not total:
        return 0.0 if not errors else None
    return errors / total * 100.0


def bias(actuals, forecasts):
    """Forecast bias, in %: sum (forecast - actual) / sum actual x 100; above 0 forecasts too much.
    ``None`` when the actuals sum to zero."""
    total = sum(actuals)
    if not total:
        return None
    return sum(f - a for a, f in zip(actuals, forecasts, strict=True)) / total * 100.0


def backtest(history, horizon=3, folds=6, period=PERIOD):
    """Rolling-origin backtest of every method on the series' own history.

    The last ``folds`` origins are tried: from each, the method sees only the months before it and
    forecasts the ``horizon`` months after. A method is scored only if it can forecast from every
    origin (Holt-Winters: a year and a month before the first origin). Returns {method: {'wape', 'bias',
    'error'}}, 'error' being the summed absolute error (every method is scored on the same actuals,
    so it ranks them even where the WAPE is undefined)."""
    return _backtest(history, horizon, folds, period)[0]


def _backtest(history, horizon, folds, period):
    """backtest(), and Holt-Winters' forecast from the whole history when it was scored (the same
    passes go on to the end, so the forecast shown costs no second fit)."""
    n = len(history)
    first = max(n - horizon - folds + 1, 1)
    origins = range(first, n - horizon + 1)
    if not origins:
        return {}, None
    actuals = [value for t in origins for value in history[t : t + horizon]]
    predicted = {}
    for method in ("run_rate", "seasonal_naive"):
        if applicable(method, first, period):
            predicted[method] = [value for t in origins for value in forecast(method, history[:t], horizon, period)]
    hw_forecast = None
    if applicable("holt_winters", first, period):
        # leak-free parameter choice: at each origin, the parameters with the least one-step error so far
        passes = _hw_fits(history, period, (*origins, n), horizon)
        predicted["holt_winters"] = [value for t in origins for value in _hw_best(passes, t)]
        hw_forecast = _hw_best(passes, n)
    scores = {
        method: {
            "wape": wape(actuals, values),
            "bias": bias(actuals, values),
            "error": sum(abs(f - a) for a, f in zip(actuals, values, strict=True)),
        }
        for method, values in predicted.items()
    }
    return scores, hw_forecast


def best_forecast(history, horizon=3, folds=6, period=PERIOD, backtest_horizon=None):
    """Forecast ``history`` ``horizon`` months ahead by the method with the least backtest error (ties go to
    the simpler one), backtested ``backtest_horizon`` months ahead (by default the horizon).

    Returns {'method', 'forecast', 'wape', 'bias', 'baseline_wape' (seasonal naive's), 'scores'}.
    With too short a history to backtest, the run rate is used and 'wape' is ``None``."""
    tried = backtest_horizon or horizon
    scores, hw_forecast = _backtest(history, tried, folds, period)
    if scores:
        method = min(scores, key=lambda m: (round(scores[m]["error"], 6), METHODS.index(m)))
    else:
        method = "run_rate"
    score = scores.get(method, {})
    baseline = scores.get("seasonal_naive", {})
    if method == "holt_winters" and tried == horizon:
        predicted = hw_forecast
    else:
        predicted = forecast(method, history, horizon, period) if history else [0.0] * horizon
    return {
        "method": method,
        "forecast": predicted,
        "wape": score.get("wape"),
        "bias": score.get("bias"),
        "baseline_wape": baseline.get("wape"),
        "scores": scores,
    }


def skill(method_wape, baseline_wape):
    """How much better than the baseline a method forecasts, in %: 1 - WAPE / baseline WAPE."""
    if method_wape is None or not baseline_wape:
        return None
    return (1.0 - method_wape / baseline_wape) * 100.0
