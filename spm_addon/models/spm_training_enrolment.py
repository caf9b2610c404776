from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..tools import access, ratios

STATES = [("enrolled", "Enrolled"), ("done", "Completed"), ("cancelled", "Cancelled")]
# written by the buttons and the server only, never by a client
SERVER_FIELDS = {"state", "user_id", "course_id", "company_id", "need_id", "requirement_id", "expiry_date"}
# what a manager fills in on an open enrolment
MANAGER_FIELDS = {"due_date", "completion_date", "score", "note", "date_enrolled", "manager_user_id", "team_id"}


class SpmTrainingEnrolment(models.Model):
    """One person taking one course: when enrolled, when due, when completed, with which score;
    a certification's expiry follows from the course's validity."""

    _name = "spm.training.enrolment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Training Enrolment"
    _check_company_auto = True
    _order = "due_date, id"
    _rec_name = "course_id"
    # a group's completion rate: its completed enrolments over its enrolments that count (not cancelled), in %
    _GROUP_RATIOS = {"completion_rate": ("done_count", "counted", 100.0)}
    EXPIRY_NOTICE_DAYS = 30

    course_id = fields.Many2one(
        "spm.training.course", required=True, index=True, ondelete="restrict", check_company=True
    )
    kind = fields.Selection(related="course_id.kind")
    company_id = fields.Many2one(related="course_id.company_id", store=True, index=True, precompute=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    employee_id = fields.Many2one("hr.employee", compute="_compute_employee_id", store=True, precompute=True)
    image_128 = fields.Image(related="employee_id.image_128")
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", compute="_compute_team_id", store=True, readonly=False, precompute=True
    )
    manager_user_id = fields.Many2one(
        "res.users", string="Manager", compute="_compute_team_id", store=True, readonly=False, precompute=True
    )
    need_id = fields.Many2one("spm.training.need", string="Training Need", index="btree_not_null", ondelete="set null")
    requirement_id = fields.Many2one(
        "spm.training.requirement", string="Required Training", index="btree_not_null", ondelete="set null"
    )
    state = fields.Selection(STATES, required=True, default="enrolled", tracking=True, index=True)
    date_enrolled = fields.Date(string="Enrolled", required=True, default=fields.Date.context_today)
    due_date = fields.Date(tracking=True)
    completion_date = fields.Date(tracking=True)
    score = fields.Float(digits=(16, 1), aggregator="avg", help="Result in % (e.g. of the certification survey).")
    validity_months = fields.Integer(related="course_id.validity_months")
    expiry_date = fields.Date(compute="_compute_expiry_date", store=True, string="Expires")
    # floats: the ratio of their sums is not an integer division
    done_count = fields.Float(string="Completed (count)", compute="_compute_counts", store=True, digits=(16, 0))
    counted = fields.Float(string="Enrolments (not cancelled)", compute="_compute_counts", store=True, digits=(16, 0))
    completion_rate = fields.Float(
        string="Completion (%)", compute="_compute_counts", store=True, aggregator="avg", digits=(16, 1)
    )
    is_on_time = fields.Boolean(
        string="Completed on Time", compute="_compute_counts", store=True, help="Completed on or before its due date."
    )
    is_overdue = fields.Boolean(string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue")
    note = fields.Text()
    effect_person_ids = fields.One2many("spm.training.effect.person", "enrolment_id", string="Before / After")

    @api.depends("user_id")
    def _compute_employee_id(self):
        employees = self.env["hr.employee"].sudo().search([("user_id", "in", self.user_id.ids)])
        employee_of = {employee.user_id.id: employee.id for employee in employees}
        for enrolment in self:
            enrolment.employee_id = employee_of.get(enrolment.user_id.id, False)

    @api.depends("user_id")
    def _compute_team_id(self):
        for enrolment in self:
            user = enrolment.user_id.sudo()
            enrolment.team_id = user.sale_team_id
            enrolment.manager_user_id = enrolment.employee_id.sudo().parent_id.user_id or user.sale_team_id.user_id

    @api.depends("completion_date", "course_id.validity_months")
    def _compute_expiry_date(self):
        for enrolment in self:
            months = enrolment.course_id.validity_months
            enrolment.expiry_date = (
                enrolment.completion_date + relativedelta(months=months)
                if enrolment.completion_date and months
                else False
            )

    @api.depends("state", "due_date", "completion_date")
    def _compute_counts(self):
        for enrolment in self:
            done = enrolment.state == "done"
            enrolment.done_count = 1.0 if done else 0.0
            enrolment.counted = 0.0 if enrolment.state == "cancelled" else 1.0
            enrolment.completion_rate = 100.0 if done else 0.0
            due, completed = enrolment.due_date, enrolment.completion_date
            enrolment.is_on_time = done and (not due or bool(completed and completed <= due))

    @api.depends("state", "due_date")
    @api.depends_context("date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for enrolment in self:
            due = enrolment.due_date
            enrolment.is_overdue = enrolment.state == "enrolled" and bool(due) and due < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search overdue enrolments with 'is set' or 'is not set' only."))
        domain = [("state", "=", "enrolled"), ("due_date", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.constrains("date_enrolled", "due_date", "completion_date", "score")
    def _check_dates(self):
        for enrolment in self:
            if enrolment.due_date and enrolment.due_date < enrolment.date_enrolled:
                raise ValidationError(
                    self.env._(
                        "The due date of %(course)s for %(person)s (%(due)s) is before the enrolment (%(enrolled)s): "
                        "choose a due date on or after it.",
                        course=enrolment.course_id.name,
                        person=enrolment.user_id.name,
                        due=enrolment.due_date,
                        enrolled=enrolment.date_enrolled,
                    )
                )
            if enrolment.completion_date and enrolment.completion_date < enrolment.date_enrolled:
                raise ValidationError(
                    self.env._(
                        "%(person)s cannot complete %(course)s on %(done)s, before enrolling (%(enrolled)s).",
                        course=enrolment.course_id.name,
                        person=enrolment.user_id.name,
                        done=enrolment.completion_date,
                        enrolled=enrolment.date_enrolled,
                    )
                )
            if not 0 <= enrolment.score <= 100:
                raise ValidationError(
                    self.env._(
                        "The score of %(person)s in %(course)s must be between 0 and 100 %%, not %(score)s.",
                        course=enrolment.course_id.name,
                        person=enrolment.user_id.name,
                        score=enrolment.score,
                    )
                )

    @api.constrains("user_id", "course_id", "state")
    def _check_one_open(self):
        open_ones = self.filtered(lambda enrolment: enrolment.state == "enrolled")
        if not open_ones:
            return
        groups = self.sudo()._read_group(
            [("state", "=", "enrolled"), ("user_id", "in", open_ones.user_id.ids),
             ("course_id", "in", open_ones.course_id.ids)],
            ["user_id", "course_id"],
            ["__count"],
        )  # fmt: skip
        for user, course, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "%(person)s is already enrolled in %(course)s: complete or cancel that enrolment first.",
                        person=user.name,
                        course=course.name,
                    )
                )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        return ratios.select(self, self._GROUP_RATIOS, aggregate_spec, query) or super()._read_group_select(
            aggregate_spec, query
        )

    def write(self, vals):
        if not self.env.su:
            self._check_can_write(vals)
        return super().write(vals)

    def _check_can_write(self, vals):
        """States and who/what an enrolment is about change through the buttons only; a completed or
        cancelled enrolment changes only by an administrator's hand."""
        refused = set(vals) & SERVER_FIELDS
        if not access.has(self.env, "admin"):
            if any(enrolment.state != "enrolled" for enrolment in self):
                refused |= set(vals) & MANAGER_FIELDS
        if refused:
            raise UserError(
                self.env._(
                    "You cannot change %(fields)s of this enrolment: use its buttons.",
                    fields=", ".join(access.field_labels(self, refused)),
                )
            )

    def action_complete(self):
        """The manager records the completion (today when no completion date is set)."""
        access.require(self.env, "manager", self.env._("Only a manager records a completed training."))
        self.check_access("write")
        if any(enrolment.state != "enrolled" for enrolment in self):
            raise UserError(self.env._("Only an open enrolment can be completed."))
        today = fields.Date.context_today(self)
        for enrolment in self:
            enrolment.sudo()._complete(enrolment.completion_date or today, enrolment.score)
        return True

    def action_cancel(self):
        access.require(self.env, "manager", self.env._("Only a manager cancels an enrolment."))
        self.check_access("write")
        if any(enrolment.state != "enrolled" for enrolment in self):
            raise UserError(self.env._("Only an open enrolment can be cancelled."))
        self.sudo().write({"state": "cancelled"})
        return True

    def _complete(self, completion_date, score=0.0):
        """Server code: mark done on ``completion_date`` with ``score``; a need whose enrolments are
        all completed is done too."""
        self.write({"state": "done", "completion_date": completion_date, "score": score})
        needs = self.need_id.filtered(lambda need: need.state == "accepted")
        needs.filtered(lambda need: all(e.state != "enrolled" for e in need.enrolment_ids)).write({"state": "done"})

    @api.model
    def _cron_sync_certifications(self):
        """Complete the open enrolments of survey certifications their person has passed (Odoo's
        survey.user_input), on the day they finished it, with its score."""
        enrolments = self.sudo().search([("state", "=", "enrolled"), ("course_id.kind", "=", "survey")])
        if not enrolments:
            return
        inputs = (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("survey_id", "in", enrolments.course_id.survey_id.ids),
                    ("partner_id", "in", enrolments.user_id.partner_id.ids),
                    ("state", "=", "done"),
                    ("scoring_success", "=", True),
                ],
                order="end_datetime, id",
            )
        )
        passed = {}
        for user_input in inputs:
            passed.setdefault((user_input.survey_id.id, user_input.partner_id.id), user_input)
        for enrolment in enrolments:
            user_input = passed.get((enrolment.course_id.survey_id.id, enrolment.user_id.partner_id.id))
            if not user_input:
                continue
            day = (user_input.end_datetime or user_input.create_date).date()
            enrolment._complete(max(day, enrolment.date_enrolled), user_input.scoring_percentage)

    @api.model
    def _cron_remind(self):
        """One activity for the person and one for their manager per overdue enrolment and per
        certification expiring within EXPIRY_NOTICE_DAYS days (and not renewed), never twice while open."""
        today = fields.Date.context_today(self)
        Enrolment = self.sudo()
        overdue = Enrolment.search([("is_overdue", "=", True)])
        expiring = Enrolment.search(
            [
                ("state", "=", "done"),
                ("expiry_date", "!=", False),
                ("expiry_date", "<=", today + timedelta(days=self.EXPIRY_NOTICE_DAYS)),
            ]
        )
        renewed = Enrolment.search(
            [("user_id", "in", expiring.user_id.ids), ("course_id", "in", expiring.course_id.ids),
             ("state", "in", ("enrolled", "done"))]
        )  # fmt: skip
        expiring = expiring.filtered(
            lambda enrolment: not any(
                other.user_id == enrolment.user_id
                and other.course_id == enrolment.course_id
                and other.date_enrolled > enrolment.completion_date
                for other in renewed
            )
        )
        activities = overdue._schedule_reminders("spm_addon.mail_activity_type_spm_training_overdue")
        return activities | expiring._schedule_reminders("spm_addon.mail_activity_type_spm_training_expiry")

    def _schedule_reminders(self, type_xmlid):
        activity_type = self.env.ref(type_xmlid)
        existing = {
            (activity.res_id, activity.user_id.id)
            for activity in self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        }
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        overdue = type_xmlid.endswith("overdue")
        for enrolment in self:
            for user in enrolment.user_id | enrolment.manager_user_id:
                if (enrolment.id, user.id) in existing:
                    continue
                env = self.with_context(lang=user.lang or self.env.lang).env  # in the words of whom it is for
                if overdue:
                    summary = env._(
                        "%(course)s of %(person)s was due on %(due)s",
                        course=enrolment.course_id.with_env(env).name,
                        person=enrolment.user_id.name,
                        due=format_date(env, enrolment.due_date),
                    )
                else:
                    summary = env._(
                        "%(course)s of %(person)s expires on %(expiry)s",
                        course=enrolment.course_id.with_env(env).name,
                        person=enrolment.user_id.name,
                        expiry=format_date(env, enrolment.expiry_date),
                    )
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": enrolment.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": summary,
                        "date_deadline": fields.Date.context_today(self),
                    }
                )
        return self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
