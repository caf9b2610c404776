from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools import access

STATES = [("proposed", "Proposed"), ("accepted", "Accepted"), ("dismissed", "Dismissed"), ("done", "Done")]
# written by the server and the buttons only, never by a client
SERVER_FIELDS = {
    "state", "user_id", "employee_id", "appraisal_id", "appraisal_line_id", "kpi_id", "criterion_id", "score",
    "threshold", "company_id", "date_proposed",
}  # fmt: skip
DEFAULT_DUE_DAYS = 60
# needs written per create (the ORM's batch: its followers, messages and the managers' activities)
CREATE_BATCH = 1000


class SpmTrainingNeed(models.Model):
    """A training need (培训需求): an appraisal line that scored below its template's threshold, the
    courses recommended for it, and what the manager decided."""

    _name = "spm.training.need"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Training Need"
    _check_company_auto = True
    _order = "state, due_date, id"

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    employee_id = fields.Many2one("hr.employee", index=True, check_company=True)
    manager_user_id = fields.Many2one("res.users", string="Manager", index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    appraisal_id = fields.Many2one("spm.appraisal", ondelete="cascade", index="btree_not_null")
    appraisal_line_id = fields.Many2one(
        "spm.appraisal.line", string="Appraisal Line", ondelete="cascade", index="btree_not_null"
    )
    kpi_id = fields.Many2one("spm.kpi", string="KPI")
    criterion_id = fields.Many2one("spm.appraisal.criterion", string="Criterion")
    score = fields.Float(readonly=True, digits=(16, 1), aggregator="avg")
    threshold = fields.Float(readonly=True, digits=(16, 1), aggregator="avg")
    course_ids = fields.Many2many("spm.training.course", string="Recommended Courses", check_company=True)
    state = fields.Selection(STATES, required=True, default="proposed", tracking=True, index=True)
    date_proposed = fields.Date(string="Proposed", required=True, default=fields.Date.context_today)
    due_date = fields.Date(tracking=True)
    note = fields.Text()
    enrolment_ids = fields.One2many("spm.training.enrolment", "need_id", string="Enrolments")

    @api.depends("user_id", "kpi_id", "criterion_id", "appraisal_line_id")
    def _compute_name(self):
        for need in self:
            subject = need.kpi_id.name or need.criterion_id.name or need.appraisal_line_id.name or ""
            need.name = f"{need.user_id.name} - {subject}" if subject else need.user_id.name

    @api.constrains("date_proposed", "due_date")
    def _check_due_date(self):
        for need in self:
            if need.due_date and need.due_date < need.date_proposed:
                raise ValidationError(
                    self.env._(
                        "The due date of the training need of %(person)s (%(due)s) is before it was proposed "
                        "(%(proposed)s): choose a due date on or after it.",
                        person=need.user_id.name,
                        due=need.due_date,
                        proposed=need.date_proposed,
                    )
                )

    @api.constrains("appraisal_line_id")
    def _check_unique_line(self):
        lines = self.appraisal_line_id
        if not lines:
            return
        for line, count in self.sudo()._read_group(
            [("appraisal_line_id", "in", lines.ids)], ["appraisal_line_id"], ["__count"]
        ):
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "%(line)s of the appraisal of %(person)s already has a training need.",
                        line=line.name,
                        person=line.user_id.name,
                    )
                )

    def write(self, vals):
        if not self.env.su:
            refused = set(vals) & SERVER_FIELDS
            if not refused and any(need.state not in ("proposed", "accepted") for need in self):
                refused = set(vals)
            if refused:
                raise UserError(
                    self.env._(
                        "You cannot change %(fields)s of this training need: use its buttons.",
                        fields=", ".join(access.field_labels(self, refused)),
                    )
                )
        return super().write(vals)

    def action_accept(self):
        """The manager accepts the need: one enrolment per recommended course, due on the need's date."""
        access.require(self.env, "manager", self.env._("Only a manager accepts a training need."))
        self.check_access("write")
        for need in self:
            if need.state != "proposed":
                raise UserError(self.env._("Only a proposed training need can be accepted."))
            if not need.course_ids:
                raise UserError(
                    self.env._(
                        "Choose at least one course for the training need of %(person)s.", person=need.user_id.name
                    )
                )
            if not need.due_date:
                raise UserError(
                    self.env._("Set the due date of the training need of %(person)s first.", person=need.user_id.name)
                )
        self.sudo()._accept()
        return True

    def _accept(self):
        today = fields.Date.context_today(self)
        Enrolment = self.env["spm.training.enrolment"]
        vals_list = []
        for need in self:
            already = Enrolment.search(
                [
                    ("user_id", "=", need.user_id.id),
                    ("course_id", "in", need.course_ids.ids),
                    ("state", "=", "enrolled"),
                ]
            ).course_id
            vals_list += [
                {
                    "user_id": need.user_id.id,
                    "course_id": course.id,
                    "need_id": need.id,
                    "date_enrolled": min(today, need.due_date),
                    "due_date": need.due_date,
                    "manager_user_id": need.manager_user_id.id,
                    "team_id": need.team_id.id,
                }
                for course in need.course_ids - already
            ]
        Enrolment.create(vals_list)
        self.write({"state": "accepted"})
        self._close_decision_activities()

    def action_dismiss(self):
        access.require(self.env, "manager", self.env._("Only a manager dismisses a training need."))
        self.check_access("write")
        if any(need.state not in ("proposed", "accepted") for need in self):
            raise UserError(self.env._("Only a proposed or accepted training need can be dismissed."))
        open_enrolments = self.sudo().enrolment_ids.filtered(lambda enrolment: enrolment.state == "enrolled")
        open_enrolments.write({"state": "cancelled"})
        self.sudo().write({"state": "dismissed"})
        self.sudo()._close_decision_activities()
        return True

    def _schedule_decisions(self):
        """Server code: one activity for the manager of each proposed need (bulk: not the mixin's one by one)."""
        activity_type = self.env.ref("spm_addon.mail_activity_type_spm_training_need")
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = [
            {
                "res_model_id": model_id,
                "res_id": need.id,
                "activity_type_id": activity_type.id,
                "user_id": need.manager_user_id.id,
                # in the language of whom it is for
                "summary": need.with_context(lang=need.manager_user_id.lang).env._(
                    "Decide the training need of %(person)s", person=need.user_id.name
                ),
                "date_deadline": need.date_proposed,
            }
            for need in self.filtered(lambda need: need.state == "proposed" and need.manager_user_id)
        ]
        return self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    def _close_decision_activities(self):
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", self.env.ref("spm_addon.mail_activity_type_spm_training_need").id),
            ]
        ).action_feedback()

    @api.model
    def _create_from_appraisals(self, appraisals):
        """Server code, when appraisals are done: a need for every KPI or criterion line that scored
        below its template's threshold, with the courses of the company that target it; never twice
        for the same line. The lines are read in one query, the courses matched in memory, the needs
        created in batches of CREATE_BATCH. Returns the needs created."""
        if not appraisals:
            return self.browse()
        self.env["spm.appraisal.line"].flush_model(["appraisal_id", "score", "kpi_id", "criterion_id"])
        self.env["spm.appraisal"].flush_model(["template_id"])
        self.env["spm.appraisal.template"].flush_model(["training_threshold"])
        self.flush_model(["appraisal_line_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id, line.appraisal_id, line.kpi_id, line.criterion_id, line.score,
                       template.training_threshold
                  FROM spm_appraisal_line line
                  JOIN spm_appraisal appraisal ON appraisal.id = line.appraisal_id
                  JOIN spm_appraisal_template template ON template.id = appraisal.template_id
                 WHERE line.appraisal_id = ANY(%s)
                   AND template.training_threshold > 0
                   AND line.score < template.training_threshold
                   AND NOT EXISTS (SELECT 1 FROM spm_training_need need WHERE need.appraisal_line_id = line.id)
                 ORDER BY line.appraisal_id, line.sequence, line.id
                """,
                appraisals.ids,
            )
        )
        if not rows:
            return self.browse()
        appraisals = self.env["spm.appraisal"].sudo().browse(dict.fromkeys(row[1] for row in rows))
        # the courses of each company that target each KPI and each criterion
        courses = (
            self.env["spm.training.course"]
            .sudo()
            .search(
                [
                    ("company_id", "in", appraisals.company_id.ids),
                    "|",
                    ("kpi_ids", "in", [row[2] for row in rows if row[2]]),
                    ("criterion_ids", "in", [row[3] for row in rows if row[3]]),
                ]
            )
        )
        recommended = defaultdict(list)  # (company id, "kpi" | "criterion", id): [course id]
        for course in courses:
            for kpi in course.kpi_ids:
                recommended[course.company_id.id, "kpi", kpi.id].append(course.id)
            for criterion in course.criterion_ids:
                recommended[course.company_id.id, "criterion", criterion.id].append(course.id)
        today = fields.Date.context_today(self)
        due = today + timedelta(days=DEFAULT_DUE_DAYS)
        vals_list = []
        for line_id, appraisal_id, kpi_id, criterion_id, score, threshold in rows:
            appraisal = appraisals.browse(appraisal_id)
            company_id = appraisal.company_id.id
            course_ids = (recommended.get((company_id, "kpi", kpi_id), []) if kpi_id else []) + (
                recommended.get((company_id, "criterion", criterion_id), []) if criterion_id else []
            )
            vals_list.append(
                {
                    "user_id": appraisal.user_id.id,
                    "employee_id": appraisal.employee_id.id,
                    "manager_user_id": appraisal.manager_user_id.id or appraisal.team_id.user_id.id,
                    "team_id": appraisal.team_id.id,
                    "company_id": company_id,
                    "appraisal_id": appraisal_id,
                    "appraisal_line_id": line_id,
                    "kpi_id": kpi_id,
                    "criterion_id": criterion_id,
                    "score": float(score),  # numeric columns read as Decimal
                    "threshold": float(threshold),
                    "course_ids": [Command.set(sorted(set(course_ids)))],
                    "date_proposed": today,
                    "due_date": due,
                }
            )
        # whoever closes the campaign does not follow every need: the managers do, through their activity
        Need = self.sudo().with_context(mail_create_nosubscribe=True)
        ids = []
        for start in range(0, len(vals_list), CREATE_BATCH):
            needs = Need.create(vals_list[start : start + CREATE_BATCH])
            needs._schedule_decisions()
            ids += needs.ids
        return self.sudo().browse(ids)
