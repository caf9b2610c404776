from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import formatLang

from ..tools import access

# written by the workflow and the campaign's computation only (server code), never by a client
SERVER_FIELDS = {
    "campaign_id", "template_id", "company_id", "employee_id", "user_id", "team_id", "state", "is_published",
    "score", "result_score", "behaviour_score", "satisfaction_score", "custom_score",
    "previous_score", "grade_id", "final_grade_id", "rank_team", "rank_company", "is_provisional",
}  # fmt: skip
# the assessment itself: each written by whom the stage allows
STAGE_FIELDS = {"self_comment", "manager_comment", "calibrated_grade_id", "manager_user_id"}

STATES = [
    ("self", "Self-Assessment"),
    ("review", "Manager Review"),
    ("calibration", "Calibration"),
    ("done", "Done"),
]


class SpmAppraisal(models.Model):
    """The appraisal of one employee for a campaign's period: weighted KPI and criterion lines, a
    score, a grade and ranks. Self-assessment > manager review > calibration > done (locked)."""

    _name = "spm.appraisal"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Appraisal"
    _check_company_auto = True
    _order = "campaign_id desc, rank_company, id"

    campaign_id = fields.Many2one("spm.appraisal.campaign", required=True, ondelete="cascade", index=True)
    template_id = fields.Many2one(related="campaign_id.template_id", store=True, precompute=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    date_from = fields.Date(related="campaign_id.date_from")
    date_to = fields.Date(related="campaign_id.date_to")
    employee_id = fields.Many2one("hr.employee", required=True, index=True, ondelete="restrict", check_company=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    manager_user_id = fields.Many2one("res.users", string="Manager", index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    image_128 = fields.Image(related="employee_id.image_128")
    state = fields.Selection(STATES, required=True, default="self", tracking=True, index=True)
    is_published = fields.Boolean(string="Published", readonly=True, help="The employee sees the result.")
    line_ids = fields.One2many("spm.appraisal.line", "appraisal_id", string="Lines")
    is_provisional = fields.Boolean(
        string="Provisional Score",
        readonly=True,
        help="A criterion is not rated by the manager yet: the score leaves it out (it is not counted as 0) "
        "and the appraisal has no grade and no rank until every criterion is rated.",
    )
    score = fields.Float(readonly=True, digits=(16, 1), aggregator="avg", tracking=True)
    result_score = fields.Float(string="Results", readonly=True, digits=(16, 2), aggregator="avg")
    behaviour_score = fields.Float(string="Behaviour", readonly=True, digits=(16, 2), aggregator="avg")
    satisfaction_score = fields.Float(string="Satisfaction", readonly=True, digits=(16, 2), aggregator="avg")
    custom_score = fields.Float(string="Custom", readonly=True, digits=(16, 2), aggregator="avg")
    previous_score = fields.Float(
        readonly=True, digits=(16, 1), aggregator="avg", help="Score of the previous appraisal on this template."
    )
    grade_id = fields.Many2one("spm.appraisal.grade", string="Computed Grade", readonly=True)
    calibrated_grade_id = fields.Many2one(
        "spm.appraisal.grade",
        string="Calibrated Grade",
        domain="[('template_id', '=', template_id)]",
        tracking=True,
        help="Set in calibration to override the computed grade.",
    )
    final_grade_id = fields.Many2one(
        "spm.appraisal.grade", string="Grade", compute="_compute_final_grade_id", store=True, index=True
    )
    rank_team = fields.Integer(string="Rank in Team", readonly=True, aggregator="min")
    rank_company = fields.Integer(string="Rank in Company", readonly=True, aggregator="min")
    properties = fields.Properties(definition="template_id.appraisal_properties_definition", copy=True)
    self_comment = fields.Text(string="Self-Assessment")
    manager_comment = fields.Text(string="Manager's Assessment", tracking=True)

    training_effect_ids = fields.Many2many(
        "spm.training.effect.person",
        string="Training Before / After",
        compute="_compute_training_effect_ids",
        help="The measured before and after of the trainings the employee completed by the end of the period.",
    )

    @api.depends("user_id", "date_to")
    def _compute_training_effect_ids(self):
        lines = self.env["spm.training.effect.person"].search(
            [
                ("user_id", "in", self.user_id.ids),
                ("enrolment_id.completion_date", "<=", max(self.mapped("date_to"), default=False)),
            ]
        )
        for appraisal in self:
            appraisal.training_effect_ids = lines.filtered(
                lambda line, appraisal=appraisal: line.user_id == appraisal.user_id
                and line.completion_date <= appraisal.date_to
            )

    @api.depends("grade_id", "calibrated_grade_id", "is_provisional")
    def _compute_final_grade_id(self):
        for appraisal in self:
            # no grade on a provisional score
            final = appraisal.calibrated_grade_id or appraisal.grade_id
            appraisal.final_grade_id = False if appraisal.is_provisional else final

    @api.depends("employee_id", "campaign_id")
    def _compute_display_name(self):
        for appraisal in self:
            appraisal.display_name = f"{appraisal.employee_id.name} - {appraisal.campaign_id.name}"

    @api.constrains("employee_id")
    def _check_employee(self):
        for appraisal in self:
            if not appraisal.employee_id.active:
                raise ValidationError(
                    self.env._(
                        "%(employee)s is archived: an archived employee cannot be appraised.",
                        employee=appraisal.employee_id.name,
                    )
                )

    def write(self, vals):
        if not self.env.su:
            self._check_can_write(vals)
        return super().write(vals)

    def _refuse_fields(self, names, record=None):
        """Refuse a change of the fields ``names`` of this appraisal (or of its line ``record``) at
        this stage, naming them as the user reads them."""
        if names:
            raise UserError(
                self.env._(
                    "You cannot change %(fields)s of the appraisal of %(employee)s at this stage.",
                    fields=", ".join(access.field_labels(record or self, names)),
                    employee=self.employee_id.name,
                )
            )

    def _check_can_write(self, vals):
        """A done appraisal never changes. The fields the workflow computes (SERVER_FIELDS) are written
        by the server only; the assessment fields (STAGE_FIELDS) by whom the stage allows; every other
        field (an admin's custom fields, for instance) follows the user's access rights."""
        user = self.env.user
        is_manager = user.has_group("spm_addon.group_spm_manager")
        is_admin = user.has_group("spm_addon.group_spm_admin")
        for appraisal in self:
            if appraisal.state == "done":
                raise UserError(
                    self.env._(
                        "The appraisal of %(employee)s is done and locked: nobody can change it.",
                        employee=appraisal.employee_id.name,
                    )
                )
            allowed = set()
            if appraisal.state == "self" and appraisal.user_id == user:
                allowed.add("self_comment")
            if is_manager and appraisal.state in ("review", "calibration"):
                allowed |= {"manager_comment", "calibrated_grade_id"}
            if is_admin:
                allowed |= {"manager_comment", "calibrated_grade_id", "self_comment", "manager_user_id"}
            appraisal._refuse_fields((set(vals) & (SERVER_FIELDS | STAGE_FIELDS)) - allowed)

    def _set_state(self, state):
        """Move to ``state``: server code, called by the buttons once they checked the caller."""
        self.sudo().write({"state": state})

    def action_submit_self(self):
        """The employee hands the self-assessment to the manager."""
        self.check_access("write")
        for appraisal in self:
            if appraisal.state != "self":
                raise UserError(self.env._("Only an appraisal in self-assessment can be submitted."))
            if appraisal.user_id != self.env.user and not self.env.user.has_group("spm_addon.group_spm_manager"):
                raise UserError(self.env._("Only the employee submits their self-assessment."))
        # read while the employee may still read it: under review it is the manager's until published
        by_employee = self.user_id == self.env.user
        self._close_activities("spm_addon.mail_activity_type_spm_appraisal_self")
        self._set_state("review")
        self.sudo()._schedule_review()
        if by_employee:
            # the review is confidential until published: back to the employee's own appraisals
            return self.env["ir.actions.act_window"]._for_xml_id("spm_addon.spm_appraisal_action_my")
        return True

    def _close_activities(self, type_xmlid):
        """Mark done the open activities of this type on these appraisals, whoever they are for (the
        campaign schedules them in bulk, so they are not the mixin's 'automated' ones)."""
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", self.env.ref(type_xmlid).id),
            ]
        ).action_feedback()

    def _schedule_review(self):
        activity_type = self.env.ref("spm_addon.mail_activity_type_spm_appraisal_review")
        for appraisal in self.filtered("manager_user_id"):
            appraisal.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=appraisal.manager_user_id.id,
                date_deadline=appraisal.campaign_id.date_deadline or fields.Date.context_today(self),
                summary=appraisal.with_context(lang=appraisal.manager_user_id.lang or self.env.lang).env._(
                    "Review the appraisal of %(employee)s", employee=appraisal.employee_id.name
                ),  # in the manager's words
            )

    def action_submit_review(self):
        """The manager finishes the review: to calibration, or done when the template has none."""
        access.require(self.env, "manager", self.env._("Only a manager completes a review."))
        self.check_access("write")
        for appraisal in self:
            if appraisal.state != "review":
                raise UserError(self.env._("Only an appraisal in manager review can be completed."))
            missing = appraisal.line_ids.filtered(lambda line: line.kind == "criterion" and not line.manager_rating)
            if missing:
                raise UserError(
                    self.env._(
                        "Rate every criterion of %(employee)s first: %(criteria)s.",
                        employee=appraisal.employee_id.name,
                        criteria=", ".join(missing.mapped("name")),
                    )
                )
        self._close_activities("spm_addon.mail_activity_type_spm_appraisal_review")
        with_calibration = self.filtered("template_id.has_calibration")
        with_calibration._set_state("calibration")
        (self - with_calibration)._publish()
        return True

    def _publish(self):
        """Lock the appraisals, show them to their employees and tell them; their gaps become training needs."""
        self.sudo().write({"state": "done", "is_published": True})
        self.env["spm.training.need"]._create_from_appraisals(self)
        # a campaign's close tells thousands of people: their emails go through the mail queue, not one
        # SMTP connection each at the end of the transaction
        for appraisal in self.with_context(mail_notify_force_send=len(self) == 1):
            local = appraisal.with_context(lang=appraisal.user_id.lang or self.env.lang)  # for the appraised
            appraisal.message_post(
                body=local.env._(
                    "Your appraisal is published: score %(score)s, grade %(grade)s.",
                    score=formatLang(local.env, appraisal.score, digits=1),
                    grade=local.final_grade_id.name or "-",
                ),
                partner_ids=appraisal.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def action_view_lines(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": "spm.appraisal.line",
            "view_mode": "list,form",
            "domain": [("appraisal_id", "=", self.id)],
        }
