import logging
import time
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..engine import forecast, periods
from ..tools import access, bulk

_logger = logging.getLogger(__name__)

SCOPES = [("user", "Salesperson"), ("team", "Sales Team"), ("company", "Company")]
METHODS = [("run_rate", "Run Rate"), ("seasonal_naive", "Seasonal Naive"), ("holt_winters", "Holt-Winters")]
HISTORY_MONTHS = 36  # complete months read before the current one: 2 years for Holt-Winters + the backtest
HORIZON = 3  # the default horizon (res.company.spm_forecast_horizon): the current month and the two after it
BACKTEST_HORIZON = 3  # the methods are compared on their forecasts of the 3 months after each origin
QUARTER = 3  # months forecast at least, for the quarter's expected sales
COLUMNS = (
    "id", "scope", "company_id", "user_id", "team_id", "measure_id", "month", "method", "history_months",
    "forecast_amount", "actual_amount", "expected_amount", "target_amount", "gap_amount", "run_rate_amount",
    "pipeline_amount", "stage_pipeline_amount", "wape", "bias", "baseline_wape", "quarter_expected_amount",
    "quarter_target_amount", "quarter_gap_amount",
)  # fmt: skip


class SpmForecast(models.Model):
    """The sales forecast of one salesperson, team or company for one month, with its accuracy.

    Computed by the server (button *Compute Forecast* or the daily scheduled action) for the current month and the
    months after it up to the company's horizon (Settings, 3 months by default): the method with the least rolling-
    origin backtest error on the scope's own monthly history of the measure of the active quota plan
    (engine/forecast.py), beside the open pipeline weighted by probability and by the historical win rate of its
    stages, and the month's target. A computation replaces the company's previous figures."""

    _name = "spm.forecast"
    _description = "Sales Forecast"
    _order = "month, scope desc, team_id, user_id, id"
    _check_company_auto = True

    scope = fields.Selection(SCOPES, required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, index=True)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", readonly=True, index=True, help="The team, or the salesperson's team."
    )
    measure_id = fields.Many2one("spm.measure", readonly=True, ondelete="cascade")
    month = fields.Date(required=True, readonly=True, index=True, help="The first day of the month forecast.")
    method = fields.Selection(
        METHODS, readonly=True, help="The method with the least error when tried on the past months (backtest)."
    )
    history_months = fields.Integer(string="Months of History", readonly=True, aggregator=None)
    forecast_amount = fields.Monetary(string="Forecast", readonly=True, help="The whole month's sales.")
    actual_amount = fields.Monetary(string="Actual to Date", readonly=True)
    expected_amount = fields.Monetary(
        string="Expected at Month End",
        readonly=True,
        help="Actual to date plus the forecast of the days left in the month.",
    )
    target_amount = fields.Monetary(string="Target", readonly=True)
    gap_amount = fields.Monetary(string="Expected Gap", readonly=True, help="Expected at month end minus the target.")
    run_rate_amount = fields.Monetary(string="Run Rate", readonly=True, help="The average of the last 3 months.")
    pipeline_amount = fields.Monetary(
        string="Weighted Pipeline",
        readonly=True,
        help="Open opportunities closing this month: expected revenue x probability.",
    )
    stage_pipeline_amount = fields.Monetary(
        string="Stage-Weighted Pipeline",
        readonly=True,
        help="Open opportunities closing this month: expected revenue x the share of past deals won from their stage.",
    )
    wape = fields.Float(
        string="Backtest WAPE (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Weighted absolute percentage error of the method on the past months: lower is better.",
    )
    bias = fields.Float(
        string="Backtest Bias (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Above 0 the method forecast too much on the past months, below 0 too little.",
    )
    baseline_wape = fields.Float(
        string="Seasonal Naive WAPE (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="The error of repeating last year's month, to compare with.",
    )
    quarter_expected_amount = fields.Monetary(
        string="Expected This Quarter",
        readonly=True,
        aggregator=None,
        help="On the current month: the quarter's actual to date plus the forecast of the rest of the quarter.",
    )
    quarter_target_amount = fields.Monetary(string="Quarter Target", readonly=True, aggregator=None)
    quarter_gap_amount = fields.Monetary(string="Quarter Gap", readonly=True, aggregator=None)

    _sql_constraints = [
        ("scope_unique", "UNIQUE(company_id, scope, user_id, team_id, month)", "One forecast per scope and month."),
    ]

    @api.depends("scope", "user_id", "team_id", "company_id", "month")
    def _compute_display_name(self):
        for record in self:
            owner = {"user": record.user_id, "team": record.team_id}.get(record.scope) or record.company_id
            record.display_name = f"{owner.display_name} · {record.month.strftime('%Y-%m') if record.month else ''}"

    # Actions

    @api.model
    def action_compute(self):
        """Compute the forecasts of the current company (administrators)."""
        access.require(self.env, "admin", self.env._("Only Sales Performance administrators compute the forecasts."))
        count = self.sudo()._compute_company(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Forecast computed"),
                "message": self.env._("%(count)s forecasts computed.", count=count),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_compute(self):
        """The daily run: the forecasts of every company."""
        for company in self.env["res.company"].sudo().search([]):
            self.sudo()._compute_company(company)
        return True

    # Business methods

    def _plan_of(self, company, today):
        """The active quota plan of the company running today (the shortest first), or an empty record."""
        return self.env["spm.quota.plan"].search(
            [("company_id", "=", company.id), ("state", "in", ("active", "locked")),
             ("date_from", "<=", today), ("date_to", ">=", today)],
            order="date_to, date_from desc, id",
            limit=1,
        )  # fmt: skip

    @api.model
    def _compute_company(self, company, today=None):
        """Replace the company's forecasts by those of ``today``, for the company's horizon: one grouped
        query of the measure over HISTORY_MONTHS months, one of the open pipeline, one of the closed deals,
        one of the targets, then the engine per series, then one bulk insert. Returns the number of rows.

        The method of a series is chosen on its backtest BACKTEST_HORIZON months ahead, whatever the
        horizon (a 12-month backtest would leave too few origins on two years of history); the series is
        forecast at least to the end of the quarter, for the quarter's expected sales."""
        started = time.monotonic()
        today = today or fields.Date.context_today(self)
        horizon = company.spm_forecast_horizon or HORIZON
        month0 = today.replace(day=1)
        quarter_from = month0 + relativedelta(months=-((month0.month - 1) % 3))
        quarter_to = quarter_from + relativedelta(months=3)
        reach = max(horizon, QUARTER)  # months forecast: the horizon, and the quarter's left
        months = [month0 + relativedelta(months=k) for k in range(-HISTORY_MONTHS, reach)]
        index = {month: k for k, month in enumerate(months)}
        last_month = months[HISTORY_MONTHS + horizon - 1]
        plan = self._plan_of(company, today)
        measure = plan.measure_id or self.env.ref("spm_addon.spm_measure_sales_revenue")
        series, teams_of, has_team = self._read_series(measure, company, months[0], today, index)
        pipeline, stage_pipeline = self._read_pipeline(company, month0, last_month)
        targets = self._read_targets(plan, month0, last_month)
        quarter_targets = self._read_targets(plan, quarter_from, quarter_to - relativedelta(days=1))
        month0_end = month0 + relativedelta(months=1, days=-1)
        remaining = 1.0 - periods.elapsed_fraction(month0, month0_end, today)
        scopes = set(series) | set(pipeline) | set(targets)
        scopes.add(("company", None))
        rows = []
        ids = iter(bulk.reserve_ids(self.env.cr, self._table, len(scopes) * horizon))
        for scope in sorted(scopes, key=lambda key: (key[0], key[1] or 0)):
            values = series.get(scope) or [0.0] * len(months)
            history = values[:HISTORY_MONTHS]
            start = next((k for k, value in enumerate(history) if value), len(history))
            history = history[start:]  # a newcomer's history starts with their first sale
            best = forecast.best_forecast(history, horizon=reach, backtest_horizon=BACKTEST_HORIZON)
            run_rate = forecast.run_rate(history, 1)[0] if history else 0.0
            kind, key = scope
            user_id = key if kind == "user" else None
            team_id = key if kind == "team" else (teams_of.get(key) if kind == "user" else None)
            expected_by_month = []
            current = len(rows)
            for h in range(reach):
                month = months[HISTORY_MONTHS + h]
                amount = best["forecast"][h]
                actual = values[HISTORY_MONTHS] if h == 0 else 0.0
                expected = actual + amount * remaining if h == 0 else amount
                expected_by_month.append((month, expected))
                if h >= horizon:
                    continue
                target = targets.get(scope, {}).get(month)
                rows.append(
                    [next(ids), kind, company.id, user_id, team_id, measure.id, month, best["method"],
                     len(history), amount, actual, expected, target or 0.0,
                     expected - target if target is not None else None, run_rate,
                     pipeline.get(scope, {}).get(month, 0.0), stage_pipeline.get(scope, {}).get(month, 0.0),
                     best["wape"], best["bias"], best["baseline_wape"], None, None, None]
                )  # fmt: skip
            # the quarter, on the current month's row: actual of its past months + expected of the others
            quarter_expected = sum(values[index[m]] for m in months if quarter_from <= m < month0) + sum(
                expected for month, expected in expected_by_month if month < quarter_to
            )
            quarter_target = sum(quarter_targets.get(scope, {}).values()) if scope in quarter_targets else None
            rows[current][-3:] = [
                quarter_expected,
                quarter_target,
                quarter_expected - quarter_target if quarter_target is not None else None,
            ]
        computed = time.monotonic()
        self.search([("company_id", "=", company.id)]).unlink()
        bulk.insert(self, COLUMNS, [tuple(row) for row in rows])
        _logger.info(
            "Forecasts of %s: %s rows (%s months), computed in %.1f s, written in %.1f s (team of the measure: %s)",
            company.name, len(rows), horizon, computed - started, time.monotonic() - computed, has_team,
        )  # fmt: skip
        return len(rows)

    def _read_series(self, measure, company, date_from, today, index):
        """{(scope, id): [monthly values, oldest first]} of the measure over [date_from, today] in ONE grouped
        query, by salesperson (and team when the measure has one), summed up to teams and the company;
        {user id: their team} (the first team they are a member of); whether the measure has a team."""
        has_team = bool(measure.sudo().team_field_id)
        groupby = ("user", "team", "month") if has_team else ("user", "month")
        values = measure._read_values(date_from, today, groupby, company_ids=company.ids)
        members = self.env["crm.team.member"].search_fetch(
            [("crm_team_id.company_id", "in", (company.id, False))], ["crm_team_id", "user_id"], order="crm_team_id, id"
        )
        teams_of = {}
        for member in members:
            teams_of.setdefault(member.user_id.id, member.crm_team_id.id)
        width = len(index)
        series = defaultdict(lambda: [0.0] * width)
        company_series = series[("company", None)]
        for key, value in values.items():
            user_id, month = key[0], key[-1]
            team_id = key[1] if has_team else teams_of.get(user_id)
            slot = index.get(month)
            if slot is None:
                continue
            company_series[slot] += value
            if user_id:
                series[("user", user_id)][slot] += value
            if team_id:
                series[("team", team_id)][slot] += value
        return dict(series), teams_of, has_team

    def _read_pipeline(self, company, month0, last_month):
        """({(scope, id): {month: weighted pipeline}}, the same stage-weighted) of the open opportunities
        closing by the end of ``last_month`` (overdue ones count in the current month), from one grouped
        query; the stages' win rates from one grouped query of the closed opportunities."""
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        company_domain = [("type", "=", "opportunity"), ("company_id", "in", (company.id, False))]
        closed = Lead._read_group(
            [*company_domain, "|", "&", ("active", "=", True), ("stage_id.is_won", "=", True),
             "&", ("active", "=", False), ("probability", "=", 0)],
            ["stage_id", "active"],
            ["__count"],
        )  # fmt: skip
        deals = [(stage.id, active) for stage, active, count in closed for _i in range(count)]
        stages = self.env["crm.stage"].sudo().search([], order="sequence, id").ids
        rates = forecast.stage_win_rates(deals, stages)
        open_groups = Lead._read_group(
            [*company_domain, ("active", "=", True), ("stage_id.is_won", "=", False),
             ("date_deadline", "<", last_month + relativedelta(months=1))],
            ["user_id", "team_id", "stage_id", "date_deadline:month"],
            ["expected_revenue:sum", "prorated_revenue:sum"],
        )  # fmt: skip
        weighted = defaultdict(list)
        staged = defaultdict(list)
        for user, team, stage, deadline, revenue, prorated in open_groups:
            month = max(deadline, month0)
            probability = prorated * 100.0 / revenue if revenue else 0.0
            for scope in (("user", user.id), ("team", team.id), ("company", None)):
                if scope[1] is False:
                    continue
                weighted[scope].append((month, revenue, probability))
                staged[scope].append((month, revenue, stage.id, probability))
        return (
            {scope: forecast.weighted_pipeline(deals) for scope, deals in weighted.items()},
            {scope: forecast.stage_weighted_pipeline(deals, rates) for scope, deals in staged.items()},
        )

    def _read_targets(self, plan, date_from, date_to):
        """{(scope, id): {month: target}} of the plan's monthly targets starting in [date_from, date_to],
        summed by salesperson, team and company (one grouped query); {} without a plan."""
        if not plan:
            return {}
        groups = (
            self.env["spm.quota.line"]
            .sudo()
            ._read_group(
                [("plan_id", "=", plan.id), ("period_type", "=", "month"),
                 ("date_from", ">=", date_from), ("date_from", "<=", date_to)],
                ["user_id", "team_id", "date_from:month"],
                ["target:sum"],
            )
        )  # fmt: skip
        targets = defaultdict(lambda: defaultdict(float))
        for user, team, month, target in groups:
            for scope in (("user", user.id), ("team", team.id), ("company", None)):
                if scope[1] is not False:
                    targets[scope][month] += target
        return targets
