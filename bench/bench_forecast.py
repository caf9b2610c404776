"""Benchmark of the forecasts at bench scale (issue 15, points 3 and 4).

    python3 bench/bench_forecast.py -d spm_bench_fc

Computes the forecasts of every salesperson, team and company of the main company as the button and
the daily scheduled action do (spm.forecast._compute_company): one grouped query of the measure of the
active quota plan over 36 months, one of the open pipeline, one of the closed deals, one of the monthly
targets, the engine per series (run rate, seasonal naive, Holt-Winters where two years are known, each
backtested from 6 rolling origins, and the pipeline weightings), then one bulk insert. Prints the time
of each part, then the whole computation twice (the second replaces the first), beside the same monthly
history read in hand-written SQL. Everything is rolled back at the end (unless --keep).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from common import Timer, environment, parse_args, peak_memory_mb
from dateutil.relativedelta import relativedelta

from odoo import fields

RAW_SQL = """
SELECT user_id, team_id, date_trunc('month', date_order)::date,
       SUM(amount_untaxed / COALESCE(NULLIF(currency_rate, 0), 1))
  FROM sale_order
 WHERE state = 'sale' AND company_id = %(company)s AND date_order >= %(start)s AND date_order < %(stop)s
 GROUP BY 1, 2, 3
"""


def main():
    args = parse_args(__doc__.splitlines()[0])
    timer = Timer()
    with environment(args) as env:
        from odoo.addons.spm_addon.engine import forecast
        from odoo.addons.spm_addon.models.spm_forecast import HISTORY_MONTHS, HORIZON

        Forecast = env["spm.forecast"]
        company = env.company
        today = fields.Date.context_today(Forecast)
        month0 = today.replace(day=1)
        months = [month0 + relativedelta(months=k) for k in range(-HISTORY_MONTHS, HORIZON)]
        index = {month: k for k, month in enumerate(months)}
        plan = Forecast._plan_of(company, today)
        measure = plan.measure_id or env.ref("spm_addon.spm_measure_sales_revenue")
        people = env["res.users"].search_count([("share", "=", False)])
        print(f"{people:,} internal users, today {today}, plan {plan.name!r}, measure {measure.name!r}")
        # the generator's open opportunities have no expected closing date: give them one in the next
        # 90 days (rolled back), so that the pipeline is read and weighted at scale
        env.cr.execute(
            "UPDATE crm_lead SET date_deadline = %s::date + (id %% 90) WHERE active AND type = 'opportunity'"
            " AND date_deadline IS NULL AND company_id = %s"
            " AND stage_id NOT IN (SELECT id FROM crm_stage WHERE is_won)",
            [today, company.id],
        )
        print(f"    {env.cr.rowcount:,} open opportunities given an expected closing date")
        env.invalidate_all()
        with timer("raw", "(a) raw SQL: the monthly history by salesperson and team"):
            env.cr.execute(RAW_SQL, {"company": company.id, "start": months[0], "stop": today + relativedelta(days=1)})
            raw = env.cr.fetchall()
        with timer("series", "(b) the same history through the measure, summed up to teams"):
            series, _teams, _has_team = Forecast._read_series(measure, company, months[0], today, index)
        total = sum(sum(values) for (kind, _key), values in series.items() if kind == "company")
        raw_total = sum(float(row[3] or 0) for row in raw)
        print(f"    {len(raw):,} raw rows, {len(series):,} series; total {total:,.2f} (raw SQL {raw_total:,.2f})")
        with timer("engine", "(c) the engine alone: best forecast + backtest of every series"):
            methods = {}
            for values in series.values():
                history = values[:HISTORY_MONTHS]
                start = next((k for k, value in enumerate(history) if value), len(history))
                best = forecast.best_forecast(history[start:], horizon=HORIZON)
                methods[best["method"]] = methods.get(best["method"], 0) + 1
        print(f"    methods chosen: {methods}")
        # the generator's history is 2 years long, too short to backtest Holt-Winters (2 years before
        # the first origin): the worst case, every series 3 years long (its first year repeated)
        with timer("engine_hw", "(c') the engine on 3-year series: Holt-Winters backtested too"):
            methods = {}
            for values in series.values():
                history = values[:HISTORY_MONTHS]
                history = [*history[-24:-12], *history[-24:]]
                best = forecast.best_forecast(history, horizon=HORIZON)
                methods[best["method"]] = methods.get(best["method"], 0) + 1
        print(f"    methods chosen: {methods}")
        with timer("pipeline", "(d) the open pipeline and the stages' win rates"):
            pipeline, _staged = Forecast._read_pipeline(company, month0, months[-1])
        print(f"    {len(pipeline):,} scopes with open deals")
        with timer("targets", "(e) the monthly targets of the plan"):
            targets = Forecast._read_targets(plan, month0, months[-1])
        print(f"    {len(targets):,} scopes with targets")
        queries = env.cr.sql_log_count
        with timer("compute", "(f) the whole computation, written (spm.forecast._compute_company)"):
            count = Forecast._compute_company(company, today)
            env.flush_all()
        print(f"    {count:,} rows, {env.cr.sql_log_count - queries:,} queries")
        with timer("again", "(g) again: replaces the rows"):
            again = Forecast._compute_company(company, today)
            env.flush_all()
        rows = Forecast.search_count([("company_id", "=", company.id)])
        print(f"    {again:,} rows written, {rows:,} in the table")
        print(
            f"RESULT forecast + backtest of {count // HORIZON:,} scopes: {timer['compute']:.1f} s "
            f"(goal < 60 s); raw history SQL {timer['raw']:.2f} s; peak memory {peak_memory_mb():.0f} MB"
        )


if __name__ == "__main__":
    main()
