from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import format_date

from ..tools import access


class SpmOverview(models.Model):
    """The first screen of Sales Performance, one per user, answering each role's first question: a
    salesperson's *how am I doing and what will I earn*, a manager's *which of my people are behind and
    what waits for me*, an administrator's and finance's *is the period on track and what is waiting*.

    Every figure is read with the user's own rights (their record rules decide what they see), when
    the screen opens: nothing is stored but whose overview it is."""

    _name = "spm.overview"
    _description = "Sales Performance Overview"
    _rec_name = "user_id"

    user_id = fields.Many2one("res.users", required=True, readonly=True, ondelete="cascade", index=True)
    today = fields.Date(compute="_compute_mine")
    my_line_ids = fields.Many2many("spm.quota.line", string="My Targets Now", compute="_compute_mine")
    my_statement_ids = fields.Many2many("spm.payout.statement", string="My Earnings", compute="_compute_mine")
    my_appraisal_ids = fields.Many2many(
        "spm.appraisal",
        string="My Appraisals to Fill In",
        compute="_compute_mine",
    )
    behind_line_ids = fields.Many2many(
        "spm.quota.line", string="Behind Pace", compute="_compute_team",
        help="Salespeople whose pace is below their plan's alert threshold, once the plan's share of the period "
        "has elapsed: of the teams you lead, or of the company for an administrator. One row per person and "
        "period (their worst plan), the lowest pace first.",
    )  # fmt: skip
    to_approve_count = fields.Integer(string="Statements to Approve", compute="_compute_team")
    dispute_count = fields.Integer(string="Open Disputes", compute="_compute_team")
    review_count = fields.Integer(string="Appraisals to Review", compute="_compute_team")
    alert_count = fields.Integer(string="Open Alerts", compute="_compute_team")
    team_line_ids = fields.Many2many("spm.quota.line", string="Teams This Period", compute="_compute_period")
    plan_ids = fields.Many2many("spm.quota.plan", string="Active Quota Plans", compute="_compute_period")
    to_lock_count = fields.Integer(string="Runs to Lock", compute="_compute_period")
    failed_job_count = fields.Integer(string="Failed Background Jobs", compute="_compute_period")
    pending_run_ids = fields.Many2many(
        "spm.payout.run", string="Payout Runs Waiting", compute="_compute_period",
        help="Computed runs waiting for their approval (draft), for finance to lock them (approved), and the runs "
        "locked since the start of last month, to export for payroll.",
    )  # fmt: skip
    quota_plan_count = fields.Integer(string="Active Quota Plans Count", compute="_compute_setup")
    incentive_plan_count = fields.Integer(string="Active Commission Plans", compute="_compute_setup")
    campaign_count = fields.Integer(string="Running Appraisal Campaigns", compute="_compute_setup")
    is_setup_complete = fields.Boolean(
        string="Setup Complete", compute="_compute_setup",
        help="A quota plan and a commission plan are active, an appraisal campaign runs, and no background job failed.",
    )  # fmt: skip
    estimate_plan_id = fields.Many2one("spm.incentive.plan", string="Estimate Of", compute="_compute_estimate")
    estimate_currency_id = fields.Many2one("res.currency", compute="_compute_estimate")
    estimate_period = fields.Char(compute="_compute_estimate")
    estimate_credited = fields.Monetary(
        string="Credited So Far", currency_field="estimate_currency_id", compute="_compute_estimate"
    )
    estimate_target = fields.Monetary(currency_field="estimate_currency_id", compute="_compute_estimate")
    estimate_attainment = fields.Float(string="Attainment So Far (%)", digits=(16, 1), compute="_compute_estimate")
    estimate_amount = fields.Monetary(
        string="Earned So Far (estimate)", currency_field="estimate_currency_id", compute="_compute_estimate",
        help="What-If of today: the commission of the running period on what is credited so far, by the payout "
        "run's own calculation; an estimate until the period's run is computed and approved.",
    )  # fmt: skip
    estimate_warning = fields.Char(compute="_compute_estimate")
    forecast_scope = fields.Char(string="Forecast Of", compute="_compute_forecast")
    forecast_currency_id = fields.Many2one("res.currency", string="Forecast Currency", compute="_compute_forecast")
    forecast_method = fields.Char(
        compute="_compute_forecast",
        help="How the forecast is made: the method that erred least on the past months (backtest), with its error.",
    )  # fmt: skip
    forecast_month_expected = fields.Monetary(
        string="Forecast This Month", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_month_target = fields.Monetary(
        string="Target This Month", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_month_gap = fields.Monetary(
        string="Forecast Gap This Month", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_quarter_expected = fields.Monetary(
        string="Forecast This Quarter", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_quarter_target = fields.Monetary(
        string="Target This Quarter", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_quarter_gap = fields.Monetary(
        string="Forecast Gap This Quarter", currency_field="forecast_currency_id", compute="_compute_forecast"
    )

    _sql_constraints = [("user_unique", "UNIQUE(user_id)", "Each user has one overview.")]

    def _current(self, domain):
        """Targets of running plans whose period holds today, read with the user's rights, the
        shortest period first (this month before this quarter before the year)."""
        today = fields.Date.context_today(self)
        domain = expression.AND(
            [domain, [("state", "in", ("active", "locked")), ("date_from", "<=", today), ("date_to", ">=", today)]]
        )
        return self.env["spm.quota.line"].search(domain, order="plan_id, date_to, date_from desc, id")

    def _compute_mine(self):
        uid = self.env.uid
        lines = self._current([("user_id", "=", uid), ("level", "in", ("user", "categ", "period"))])
        statements = self.env["spm.payout.statement"].search([("user_id", "=", uid)], order="id desc", limit=3)
        appraisals = self.env["spm.appraisal"].search([("user_id", "=", uid), ("state", "=", "self")])
        for overview in self:
            overview.today = fields.Date.context_today(self)
            overview.my_line_ids = lines
            overview.my_statement_ids = statements
            overview.my_appraisal_ids = appraisals

    def _behind(self):
        """The targets behind today of the people the user follows (the teams they lead; the company's for
        an administrator): one per person and period, the lowest pace of their plans', the lowest first."""
        uid = self.env.uid
        followed = [("user_id", "!=", uid)] if access.has(self.env, "admin") else [("team_id.user_id", "=", uid)]
        lines = self._current(
            [*followed, ("user_id", "!=", uid), ("user_id", "!=", False), ("level", "in", ("user", "period"))]
        )
        worst = {}
        for line in lines._filter_behind(fields.Date.context_today(self)).sorted(lambda rec: (rec.pace, rec.id)):
            worst.setdefault((line.user_id, line.date_from, line.date_to), line)
        return self.env["spm.quota.line"].union(*worst.values())

    def _compute_team(self):
        uid = self.env.uid
        led = [("team_id.user_id", "=", uid), ("user_id", "!=", uid)]
        behind = self._behind()
        Statement = self.env["spm.payout.statement"]
        waiting = [("approved_by_id", "=", False), ("state", "=", "draft"), ("run_id.compute_date", "!=", False)]
        if not access.has(self.env, "admin"):
            waiting += led
        to_approve = Statement.search_count(waiting) if access.has(self.env, "manager") else 0
        disputes = self.env["spm.payout.dispute"].search_count([("state", "=", "open"), ("user_id", "!=", uid)])
        reviews = self.env["spm.appraisal"].search_count([("state", "=", "review"), ("manager_user_id", "=", uid)])
        alerts = self.env["spm.monitor.hit"].search_count([("state", "=", "open")])  # as the rules let them read
        for overview in self:
            overview.behind_line_ids = behind
            overview.to_approve_count = to_approve
            overview.dispute_count = disputes
            overview.review_count = reviews
            overview.alert_count = alerts

    def _pending_runs_domain(self):
        """Runs waiting for someone: computed drafts (approval), approved runs (lock), and those locked
        since the start of last month (export for payroll)."""
        since = fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        return [
            "|", "|",
            "&", ("state", "=", "draft"), ("compute_date", "!=", False),
            ("state", "=", "approved"),
            "&", ("state", "=", "locked"), ("date_to", ">=", since),
        ]  # fmt: skip

    def _compute_period(self):
        teams = self._current([("level", "=", "team"), ("period_type", "=", "plan")])
        plans = self.env["spm.quota.plan"].search([("state", "=", "active")])
        to_lock = self.env["spm.payout.run"].search_count([("state", "=", "approved")])
        failed = self.env["spm.job"].search_count([("state", "=", "failed")])
        pending = self.env["spm.payout.run"]
        if access.has(self.env, "finance"):
            pending = pending.search(self._pending_runs_domain(), order="state, date_to desc, id desc")
        for overview in self:
            overview.team_line_ids = teams
            overview.plan_ids = plans
            overview.to_lock_count = to_lock
            overview.failed_job_count = failed
            overview.pending_run_ids = pending

    def _compute_setup(self):
        """Whether the administrator's setup runs: plans active, an appraisal campaign running, no job failed."""
        is_admin = access.has(self.env, "admin")
        incentive_plans = self.env["spm.incentive.plan"].search_count([("state", "=", "active")]) if is_admin else 0
        campaigns = self.env["spm.appraisal.campaign"].search_count([("state", "=", "running")]) if is_admin else 0
        for overview in self:
            overview.quota_plan_count = len(overview.plan_ids)
            overview.incentive_plan_count = incentive_plans
            overview.campaign_count = campaigns
            overview.is_setup_complete = bool(
                overview.quota_plan_count and incentive_plans and campaigns and not overview.failed_job_count
            )

    def _compute_estimate(self):
        """What-If of today (the same calculation, in memory): the running period's earnings so far."""
        what_if = self.env["spm.payout.simulate"]._estimate_today()
        for overview in self:
            overview.estimate_plan_id = what_if.plan_id
            overview.estimate_currency_id = what_if.currency_id
            overview.estimate_period = (
                f"{format_date(self.env, what_if.date_from)} – {format_date(self.env, what_if.date_to)}"
                if what_if
                else False
            )
            overview.estimate_credited = what_if.credited_amount
            overview.estimate_target = what_if.target
            overview.estimate_attainment = what_if.attainment
            overview.estimate_amount = what_if.projected_amount
            overview.estimate_warning = what_if.period_warning

    def _forecast_domain(self):
        """(label, domain) of the forecast the user follows: the company's for an administrator or a finance
        officer, the teams they lead for a manager, their own otherwise."""
        if access.has(self.env, "admin") or access.has(self.env, "finance"):
            return self.env.company.name, [("scope", "=", "company"), ("company_id", "=", self.env.company.id)]
        teams = self.env["crm.team"].search([("user_id", "=", self.env.uid)])
        if teams and access.has(self.env, "manager"):
            return ", ".join(teams.mapped("name")), [("scope", "=", "team"), ("team_id", "in", teams.ids)]
        return self.env.user.name, [("scope", "=", "user"), ("user_id", "=", self.env.uid)]

    def _compute_forecast(self):
        """This month's and this quarter's expected sales against their targets, read with the user's
        rights from the current month's forecasts (one grouped query)."""
        label, domain = self._forecast_domain()
        month = fields.Date.context_today(self).replace(day=1)
        [(expected, target, gap, q_expected, q_target, q_gap)] = self.env["spm.forecast"]._read_group(
            [*domain, ("month", "=", month)],
            aggregates=[
                "expected_amount:sum", "target_amount:sum", "gap_amount:sum",
                "quarter_expected_amount:sum", "quarter_target_amount:sum", "quarter_gap_amount:sum",
            ],
        )  # fmt: skip
        methods = self.env["spm.forecast"]._read_group(
            [*domain, ("month", "=", month), ("method", "!=", False)], ["method"], ["__count", "wape:avg"]
        )
        names = dict(self.env["spm.forecast"]._fields["method"]._description_selection(self.env))
        if len(methods) == 1 and methods[0][1] == 1:
            method = self.env._(
                "%(method)s, backtested on the past months (WAPE %(wape).1f %%)",
                method=names[methods[0][0]],
                wape=methods[0][2] or 0.0,
            )
        else:  # a team's or the company's: the sum of the forecasts of its salespeople, each by its own method
            method = ", ".join(
                self.env._("%(method)s (%(count)s)", method=names[name], count=count) for name, count, _wape in methods
            )
        for overview in self:
            overview.forecast_scope = label
            overview.forecast_method = method or False
            overview.forecast_currency_id = self.env.company.currency_id  # the forecasts are in their company's
            overview.forecast_month_expected = expected or 0.0
            overview.forecast_month_target = target or 0.0
            overview.forecast_month_gap = gap or 0.0
            overview.forecast_quarter_expected = q_expected or 0.0
            overview.forecast_quarter_target = q_target or 0.0
            overview.forecast_quarter_gap = q_gap or 0.0

    def action_open_forecast(self):
        self.ensure_one()
        _label, domain = self._forecast_domain()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Forecast"),
            "res_model": "spm.forecast",
            "views": [(False, "kanban"), (False, "list"), (False, "pivot"), (False, "form")],
            "domain": domain,
        }

    def write(self, vals):
        # users may write (Odoo's web client computes lists of records only for who may), but whose
        # overview it is never changes, and nothing else on it is stored
        if "user_id" in vals and not self.env.su:
            raise UserError(self.env._("An overview belongs to its user."))
        return super().write(vals)

    @api.model
    def action_open_mine(self):
        """The user's overview (made on first use), as the app's first screen."""
        access.require(self.env, "user", self.env._("The overview is for the users of Sales Performance."))
        overview = self.sudo().search([("user_id", "=", self.env.uid)], limit=1)
        if not overview:
            overview = self.sudo().create({"user_id": self.env.uid})
            overview.invalidate_recordset()  # create leaves the lists empty in the cache: read them afresh
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Overview"),
            "res_model": self._name,
            "res_id": overview.id,
            "view_mode": "form",
            "views": [(self.env.ref("spm_addon.spm_overview_view_form").id, "form")],
            "target": "current",
        }

    def _open(self, xmlid, domain):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = {}
        return action

    def action_open_behind(self):
        return self._open("spm_addon.spm_quota_line_action", [("id", "in", self.behind_line_ids.ids)])

    def action_open_to_approve(self):
        domain = [("approved_by_id", "=", False), ("state", "=", "draft"), ("run_id.compute_date", "!=", False)]
        if not access.has(self.env, "admin"):
            domain += [("team_id.user_id", "=", self.env.uid), ("user_id", "!=", self.env.uid)]
        return self._open("spm_addon.spm_payout_statement_action", domain)

    def action_open_disputes(self):
        return self._open(
            "spm_addon.spm_payout_dispute_action", [("state", "=", "open"), ("user_id", "!=", self.env.uid)]
        )

    def action_open_reviews(self):
        return self._open(
            "spm_addon.spm_appraisal_action", [("state", "=", "review"), ("manager_user_id", "=", self.env.uid)]
        )

    def action_open_alerts(self):
        return self._open("spm_addon.spm_monitor_hit_action", [("state", "=", "open")])

    def action_open_pending_runs(self):
        return self._open("spm_addon.spm_payout_run_action", [("id", "in", self.pending_run_ids.ids)])

    def action_open_to_lock(self):
        return self._open("spm_addon.spm_payout_run_action", [("state", "=", "approved")])

    def action_open_failed_jobs(self):
        return self._open("spm_addon.spm_job_action", [("state", "=", "failed")])
