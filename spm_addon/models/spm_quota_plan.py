from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import access

STATES = [("draft", "Draft"), ("active", "Active"), ("locked", "Locked"), ("closed", "Closed")]
# what may change on a plan whatever its state: the server's bookkeeping, and the Properties an
# administrator defines on its targets (they change no target)
ALWAYS_WRITABLE = {"state", "refresh_date", "message_main_attachment_id", "line_properties_definition"}


class SpmQuotaPlan(models.Model):
    """Targets of one measure over a fiscal period, cascaded company > team > salesperson > period.

    This file holds the plan's fields, checks, states and buttons; the allocation, the figures
    (refresh, pacing, alerts) and the xlsx export extend the model in spm_quota_plan_allocation.py,
    spm_quota_plan_figures.py and spm_quota_plan_export.py. At scale, allocation and refresh run as
    background jobs (spm.job), a batch at a time."""

    _name = "spm.quota.plan"
    _description = "Quota Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.job.mixin", "spm.period.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        tracking=True,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    measure_id = fields.Many2one("spm.measure", required=True, tracking=True, ondelete="restrict", check_company=True)
    date_from = fields.Date(
        string="Start", required=True, tracking=True, default=lambda self: date(fields.Date.today().year, 1, 1)
    )
    date_to = fields.Date(
        string="End", required=True, tracking=True, default=lambda self: date(fields.Date.today().year, 12, 31)
    )
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True, check_company=True
    )
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        check_company=True,
        help="The teams the company target is split over. The plan counts only their figures (history and "
        "actuals); without teams it counts the whole company.",
    )
    target_amount = fields.Monetary(
        string="Company Target",
        currency_field="currency_id",
        tracking=True,
        help="Total to split. Left at zero with a history allocation, it is suggested from history and growth.",
    )
    time_split = fields.Selection(
        [
            ("none", "No time split"),
            ("quarter", "Quarters"),
            ("month", "Quarters and months"),
            ("week", "Quarters, months and weeks"),
        ],
        default="month",
        required=True,
    )
    split_by_category = fields.Boolean(help="Split each salesperson's target over product categories.")
    categ_ids = fields.Many2many("product.category", string="Product Categories")
    allocation_method = fields.Selection(
        [
            ("equal", "Equal split"),
            ("history", "In proportion to history"),
            ("capacity", "In proportion to capacity"),
            ("manual", "By hand"),
        ],
        default="history",
        required=True,
        tracking=True,
    )
    history_basis = fields.Selection(
        [("same_period", "Same period last year"), ("trailing", "Trailing 12 months")],
        default="same_period",
        required=True,
    )
    growth_rate = fields.Float(string="Growth (%)", digits=(16, 2), tracking=True)
    use_seasonality = fields.Boolean(
        string="Seasonal Split",
        default=True,
        help="Split over quarters and months in proportion to last year's months instead of equally.",
    )
    balance_mode = fields.Selection(
        [("rebalance", "Rebalance siblings"), ("flag", "Flag the parent as out of balance")],
        default="rebalance",
        required=True,
        help="What happens when a target is changed by hand.",
    )
    is_strict = fields.Boolean(string="Strict", help="Refuse splits whose total exceeds their parent.")
    expected_basis = fields.Selection(
        [("working_days", "Working days"), ("seasonal", "Seasonal curve")],
        string="Expected to Date By",
        default="seasonal",
        required=True,
    )
    pace_threshold = fields.Float(
        string="Alert Below Pace (%)",
        default=80.0,
        help="Managers get an activity for each target whose pace falls below this.",
    )
    pace_alert_after = fields.Float(
        string="Alert After (% of Period)",
        default=20.0,
        help="A target is shown as behind, and raises an alert, only once this share of its period (in calendar "
        "days) has elapsed: a few days into a month, a pace says little.",
    )
    line_ids = fields.One2many("spm.quota.line", "plan_id", string="Targets")
    org_line_ids = fields.One2many(
        "spm.quota.line",
        "plan_id",
        string="Teams and Salespeople",
        domain=[("level", "in", ("company", "team", "user"))],
    )
    line_count = fields.Integer(compute="_compute_line_count")
    root_line_id = fields.Many2one("spm.quota.line", compute="_compute_line_count", string="Company Line")
    attainment = fields.Float(
        compute="_compute_line_count",
        string="Plan Attainment (%)",
        digits=(16, 1),
        help="Actual of the whole plan (every team it covers) over its company target, whoever looks at it.",
    )
    refresh_date = fields.Datetime(string="Figures Updated On", readonly=True, copy=False)
    line_properties_definition = fields.PropertiesDefinition(
        string="Target Properties",
        help="Fields of your own on every target of this plan (e.g. a region, a priority): set their values "
        "on the targets, filter and group by them.",
    )

    def _compute_line_count(self):
        # the count is of the targets the user may open; the company line and its attainment are the
        # whole plan's, read as superuser (a salesperson does not see the company line itself)
        counts = dict(self.env["spm.quota.line"]._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"]))
        roots = self.env["spm.quota.line"].sudo().search([("plan_id", "in", self.ids), ("parent_id", "=", False)])
        root_by_plan = {root.plan_id.id: root for root in roots}
        for plan in self:
            root = root_by_plan.get(plan.id)
            plan.line_count = counts.get(plan, 0)
            plan.root_line_id = root.id if root else False
            plan.attainment = root.attainment if root else 0.0

    @api.constrains("target_amount", "growth_rate", "pace_threshold", "pace_alert_after")
    def _check_amounts(self):
        for plan in self:
            if plan.target_amount < 0:
                raise ValidationError(
                    self.env._(
                        "The company target of %(plan)s cannot be negative (%(amount)s).",
                        plan=plan.name,
                        amount=plan.target_amount,
                    )
                )
            if plan.growth_rate <= -100:
                raise ValidationError(self.env._("A growth rate must be above -100%."))
            if plan.pace_threshold < 0:
                raise ValidationError(self.env._("The alert threshold cannot be negative."))
            if not 0 <= plan.pace_alert_after <= 100:
                raise ValidationError(
                    self.env._(
                        "Alert After is a share of the period in percent, between 0 and 100, not %(share)s.",
                        share=plan.pace_alert_after,
                    )
                )

    @api.constrains("split_by_category", "categ_ids", "measure_id")
    def _check_category_split(self):
        for plan in self.filtered("split_by_category"):
            if not plan.measure_id.sudo().categ_field_id:
                raise ValidationError(
                    self.env._(
                        "The measure %(measure)s has no product category field: choose a measure by product "
                        "category (e.g. Confirmed sales revenue by product category) to split targets by category.",
                        measure=plan.measure_id.name,
                    )
                )
            if not plan.categ_ids:
                raise ValidationError(self.env._("Choose the product categories to split the targets over."))

    @api.constrains("state", "date_from", "date_to", "measure_id", "company_id", "team_ids")
    def _check_overlap(self):
        running = self.filtered(lambda plan: plan.state in ("active", "locked"))
        for plan in running:
            others = self.search(
                [
                    ("id", "!=", plan.id),
                    ("state", "in", ("active", "locked")),
                    ("company_id", "=", plan.company_id.id),
                    ("measure_id", "=", plan.measure_id.id),
                    ("date_from", "<=", plan.date_to),
                    ("date_to", ">=", plan.date_from),
                ]
            )
            for other in others:
                if not plan.team_ids or not other.team_ids or plan.team_ids & other.team_ids:
                    raise ValidationError(
                        self.env._(
                            "The plans %(plan)s and %(other)s measure %(measure)s for the same teams over "
                            "overlapping periods (%(start)s - %(end)s and %(other_start)s - %(other_end)s). "
                            "Close one or change its dates.",
                            plan=plan.name,
                            other=other.name,
                            measure=plan.measure_id.name,
                            start=plan.date_from,
                            end=plan.date_to,
                            other_start=other.date_from,
                            other_end=other.date_to,
                        )
                    )

    def write(self, vals):
        if set(vals) - ALWAYS_WRITABLE:
            self._check_editable()
        if "state" in vals:
            self._check_transition(vals["state"])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "The plan %(plan)s is %(state)s: only draft plans can be deleted.",
                        plan=plan.name,
                        state=plan._state_label(plan.state),
                    )
                )

    def _state_label(self, state):
        return dict(self._fields["state"]._description_selection(self.env))[state]

    def _check_editable(self):
        for plan in self:
            if plan.state in ("locked", "closed"):
                raise UserError(
                    self.env._(
                        "The plan %(plan)s is %(state)s: its targets can no longer change.",
                        plan=plan.name,
                        state=plan._state_label(plan.state).lower(),
                    )
                )

    def _check_transition(self, new_state):
        allowed = {"draft": {"active"}, "active": {"locked", "draft"}, "locked": {"closed"}, "closed": set()}
        for plan in self:
            if new_state != plan.state and new_state not in allowed[plan.state]:
                raise UserError(
                    self.env._(
                        "The plan %(plan)s cannot go from %(old)s to %(new)s.",
                        plan=plan.name,
                        old=plan._state_label(plan.state),
                        new=plan._state_label(new_state),
                    )
                )

    # Actions: each checks the caller's group on the server, then returns something XML-RPC can carry;
    # at scale the work runs as a background job and the button answers with a notification

    def action_activate(self):
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator activates a quota plan."))
        self._check_no_job()
        for plan in self:
            if not plan.line_ids:
                raise UserError(self.env._("Allocate the plan %(plan)s before activating it.", plan=plan.name))
        self.state = "active"
        return self._run_each("_run_refresh")

    def action_lock(self):
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator locks a quota plan."))
        self.state = "locked"
        return True

    def action_close(self):
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator closes a quota plan."))
        self._check_no_job()
        self._check_transition("closed")
        return self._run_each("_run_close")

    def action_reset_draft(self):
        access.require(
            self.env, "admin", self.env._("Only a Sales Performance administrator sets a quota plan back to draft.")
        )
        self._check_no_job()
        self.state = "draft"
        return True

    def action_refresh(self):
        access.require(
            self.env, "manager", self.env._("Only managers and administrators refresh the figures of a quota plan.")
        )
        return self._run_each("_run_refresh")

    def action_allocate(self):
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator allocates a quota plan."))
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "The plan %(plan)s is no longer a draft: adjust its targets one by one instead.",
                        plan=plan.name,
                    )
                )
        return self._run_each("_run_allocate")

    def action_rollup(self):
        """Bottom-up: each parent's target becomes the sum of its split."""
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator rolls up a quota plan."))
        self._check_no_job()
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be rolled up."))
            plan._rollup()
        return True

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_addon.spm_quota_line_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    def action_view_hierarchy(self):
        action = self.action_view_lines()
        action["domain"] = [("plan_id", "=", self.id), ("level", "!=", "period")]
        action["view_mode"] = "hierarchy,list,form"
        action["views"] = [
            (self.env.ref("spm_addon.spm_quota_line_view_hierarchy").id, "hierarchy"),
            (False, "list"),
            (False, "form"),
        ]
        return action

    def action_export_xlsx(self):
        self.ensure_one()
        access.require(self.env, "manager", self.env._("Only managers and administrators export a quota plan."))
        return self._download_xlsx(self.env["spm.quota.line"].search_count([("plan_id", "=", self.id)]))

    def _run_each(self, method):
        """Run ``method`` (``_run_allocate``, ``_run_refresh``, ``_run_close``) on each plan: what one plan
        answers (a notification when it queued a background job), else True."""
        if len(self) == 1:
            return getattr(self, method)()
        for plan in self:
            getattr(plan, method)()
        return True

    def _check_no_job(self):
        """Refuse to change the state of a plan while a background job works on it."""
        for plan in self:
            job = plan._running_job()
            if job:
                raise UserError(
                    self.env._(
                        "%(job)s is still running in the background (%(progress)s %%): wait until it ends.",
                        job=job.name,
                        progress=round(job.progress),
                    )
                )
