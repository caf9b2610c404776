from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

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
        help="Salespeople of the teams you lead whose pace this period is below their plan's alert threshold, "
        "once the plan's share of the period has elapsed.",
    )  # fmt: skip
    to_approve_count = fields.Integer(string="Statements to Approve", compute="_compute_team")
    dispute_count = fields.Integer(string="Open Disputes", compute="_compute_team")
    review_count = fields.Integer(string="Appraisals to Review", compute="_compute_team")
    alert_count = fields.Integer(string="Open Alerts", compute="_compute_team")
    team_line_ids = fields.Many2many("spm.quota.line", string="Teams This Period", compute="_compute_period")
    plan_ids = fields.Many2many("spm.quota.plan", string="Active Quota Plans", compute="_compute_period")
    to_lock_count = fields.Integer(string="Runs to Lock", compute="_compute_period")
    failed_job_count = fields.Integer(string="Failed Background Jobs", compute="_compute_period")
    forecast_scope = fields.Char(string="Forecast Of", compute="_compute_forecast")
    forecast_currency_id = fields.Many2one("res.currency", string="Forecast Currency", compute="_compute_forecast")
    forecast_month_expected = fields.Monetary(
        string="Expected This Month", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_month_target = fields.Monetary(
        string="Target This Month", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_month_gap = fields.Monetary(
        string="Gap This Month", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_quarter_expected = fields.Monetary(
        string="Expected This Quarter", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_quarter_target = fields.Monetary(
        string="Target This Quarter", currency_field="forecast_currency_id", compute="_compute_forecast"
    )
    forecast_quarter_gap = fields.Monetary(
        string="Gap This Quarter", currency_field="forecast_currency_id", compute="_compute_forecast"
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

    def _compute_team(self):
        uid = self.env.uid
        led = [("team_id.user_id", "=", uid), ("user_id", "!=", uid)]
        lines = self._current([*led, ("user_id", "!=", False), ("level", "in", ("user", "period"))])
        behind = lines._filter_behind(fields.Date.context_today(self))
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

    def _compute_period(self):
        teams = self._current([("level", "=", "team"), ("period_type", "=", "plan")])
        plans = self.env["spm.quota.plan"].search([("state", "=", "active")])
        to_lock = self.env["spm.payout.run"].search_count([("state", "=", "approved")])
        failed = self.env["spm.job"].search_count([("state", "=", "failed")])
        for overview in self:
            overview.team_line_ids = teams
            overview.plan_ids = plans
            overview.to_lock_count = to_lock
            overview.failed_job_count = failed

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
        for overview in self:
            overview.forecast_scope = label
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

    def action_open_to_lock(self):
        return self._open("spm_addon.spm_payout_run_action", [("state", "=", "approved")])

    def action_open_failed_jobs(self):
        return self._open("spm_addon.spm_job_action", [("state", "=", "failed")])
