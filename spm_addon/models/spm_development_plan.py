from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import access

STATES = [("draft", "Draft"), ("active", "Active"), ("done", "Done")]


class SpmDevelopmentPlan(models.Model):
    """A person's development plan (职业发展规划): the level they aim at, goals with due dates, the
    trainings that support them and review dates with their manager. The person reads it and writes
    their goals' progress comments; the manager edits it; an administrator sees all."""

    _name = "spm.development.plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Development Plan"
    _check_company_auto = True
    _order = "state, date_start desc, id desc"

    name = fields.Char(required=True, tracking=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True, tracking=True)
    employee_id = fields.Many2one("hr.employee", compute="_compute_employee_id", store=True, precompute=True)
    image_128 = fields.Image(related="employee_id.image_128")
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", compute="_compute_team_id", store=True, readonly=False, precompute=True
    )
    manager_user_id = fields.Many2one(
        "res.users", string="Manager", compute="_compute_team_id", store=True, readonly=False, precompute=True,
        tracking=True,
    )  # fmt: skip
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    current_level_id = fields.Many2one(
        "spm.career.level", string="Current Level", compute="_compute_current_level_id", compute_sudo=True
    )
    target_level_id = fields.Many2one("spm.career.level", string="Target Level", check_company=True, tracking=True)
    state = fields.Selection(STATES, required=True, default="draft", tracking=True, index=True)
    date_start = fields.Date(string="Start", required=True, default=fields.Date.context_today)
    date_end = fields.Date(string="End")
    goal_ids = fields.One2many("spm.development.goal", "plan_id", string="Goals")
    review_ids = fields.One2many("spm.development.review", "plan_id", string="Reviews")
    enrolment_ids = fields.Many2many(
        "spm.training.enrolment", string="Trainings", domain="[('user_id', '=', user_id)]", check_company=True
    )
    goal_count = fields.Integer(compute="_compute_goal_progress")
    goal_done_count = fields.Integer(compute="_compute_goal_progress")
    progress = fields.Float(string="Goals Done (%)", compute="_compute_goal_progress", digits=(16, 0))
    next_review_date = fields.Date(compute="_compute_next_review_date")
    note = fields.Html()

    @api.depends("user_id")
    def _compute_employee_id(self):
        employees = self.env["hr.employee"].sudo().search([("user_id", "in", self.user_id.ids)])
        employee_of = {employee.user_id.id: employee.id for employee in employees}
        for plan in self:
            plan.employee_id = employee_of.get(plan.user_id.id, False)

    @api.depends("user_id")
    def _compute_team_id(self):
        for plan in self:
            user = plan.user_id.sudo()
            plan.team_id = user.sale_team_id
            plan.manager_user_id = plan.employee_id.sudo().parent_id.user_id or user.sale_team_id.user_id

    @api.depends("employee_id")
    def _compute_current_level_id(self):
        for plan in self:
            plan.current_level_id = plan.employee_id.spm_career_level_id

    @api.depends("goal_ids.state")
    def _compute_goal_progress(self):
        for plan in self:
            goals = plan.goal_ids.filtered(lambda goal: goal.state != "cancelled")
            plan.goal_count = len(goals)
            plan.goal_done_count = len(goals.filtered(lambda goal: goal.state == "done"))
            plan.progress = 100.0 * plan.goal_done_count / plan.goal_count if plan.goal_count else 0.0

    @api.depends("review_ids.date")
    @api.depends_context("date")
    def _compute_next_review_date(self):
        today = fields.Date.context_today(self)
        for plan in self:
            dates = [review.date for review in plan.review_ids if review.date >= today]
            plan.next_review_date = min(dates) if dates else False

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_end and plan.date_end < plan.date_start:
                raise ValidationError(
                    self.env._(
                        "The development plan %(plan)s ends (%(end)s) before it starts (%(start)s).",
                        plan=plan.name,
                        end=plan.date_end,
                        start=plan.date_start,
                    )
                )
            early = plan.review_ids.filtered(lambda review, plan=plan: review.date < plan.date_start)
            if early:
                raise ValidationError(
                    self.env._(
                        "The review of %(plan)s on %(date)s is before the plan starts (%(start)s): "
                        "choose a date on or after it.",
                        plan=plan.name,
                        date=early[0].date,
                        start=plan.date_start,
                    )
                )

    @api.constrains("target_level_id", "user_id")
    def _check_target_level(self):
        for plan in self:
            target, current = plan.target_level_id, plan.sudo().employee_id.spm_career_level_id
            if target and current and not target._is_above(current):
                raise ValidationError(
                    self.env._(
                        "The target level of %(person)s must be above their current level %(current)s, not %(target)s.",
                        person=plan.user_id.name,
                        current=current.name,
                        target=target.name,
                    )
                )

    def write(self, vals):
        if "state" in vals and not self.env.su:
            raise UserError(self.env._("The status of a development plan changes through its buttons."))
        return super().write(vals)

    def _set_state(self, state, allowed_from):
        access.require(self.env, "manager", self.env._("Only a manager changes the status of a development plan."))
        self.check_access("write")
        if any(plan.state not in allowed_from for plan in self):
            raise UserError(self.env._("This development plan cannot go to that status from its current one."))
        self.sudo().write({"state": state})
        return True

    def action_activate(self):
        return self._set_state("active", ("draft",))

    def action_done(self):
        return self._set_state("done", ("active",))

    def action_draft(self):
        return self._set_state("draft", ("active", "done"))

    @api.model
    def _cron_review_activities(self):
        """One activity for the manager of each active plan on each review date reached, never twice."""
        today = fields.Date.context_today(self)
        reviews = (
            self.env["spm.development.review"]
            .sudo()
            .search([("date", "<=", today), ("is_scheduled", "=", False), ("plan_id.state", "=", "active")])
        )
        activity_type = self.env.ref("spm_addon.mail_activity_type_spm_development_review")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": review.plan_id.id,
                "activity_type_id": activity_type.id,
                "user_id": review.plan_id.manager_user_id.id,
                # in the language of the manager who reviews
                "summary": self.with_context(lang=review.plan_id.manager_user_id.lang or self.env.lang).env._(
                    "Review the development plan of %(person)s (%(date)s)",
                    person=review.plan_id.user_id.name,
                    date=review.date,
                ),
                "date_deadline": review.date,
            }
            for review in reviews
            if review.plan_id.manager_user_id
        ]
        reviews.write({"is_scheduled": True})
        return self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
