from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import access

KINDS = [
    ("classroom", "Classroom"),
    ("external", "External Session"),
    ("survey", "Survey Certification"),
    ("elearning", "eLearning"),
]


class SpmTrainingCourse(models.Model):
    """A course of the training catalogue and what it is meant to improve: KPIs and appraisal
    criteria. A survey certification is completed by passing its survey; an eLearning course is
    linked to its eLearning channel by the bridge module that installs with eLearning."""

    _name = "spm.training.course"
    _inherit = ["mail.thread"]
    _description = "Training Course"
    _check_company_auto = True
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    kind = fields.Selection(KINDS, required=True, default="classroom", tracking=True)
    description = fields.Html(translate=True)
    duration_hours = fields.Float(string="Duration (hours)")
    survey_id = fields.Many2one(
        "survey.survey",
        string="Certification Survey",
        domain=[("certification", "=", True)],
        help="Passing this certification completes the course, with its score.",
    )
    kpi_ids = fields.Many2many("spm.kpi", string="Target KPIs", check_company=True)
    criterion_ids = fields.Many2many("spm.appraisal.criterion", string="Target Criteria", check_company=True)
    validity_months = fields.Integer(
        string="Validity (months)", help="A certification expires this many months after completion; 0: never."
    )
    effect_days = fields.Integer(
        string="Effect Window (days)",
        default=90,
        help="The KPIs are compared over this many days before and after each completion.",
    )
    effect_controls = fields.Integer(
        string="Controls per Person",
        default=3,
        help="Each trained person is compared with this many salespeople of the nearest baseline who did not "
        "take the course in the same windows.",
    )
    effect_min_people = fields.Integer(
        string="Minimum People",
        default=5,
        help="Below this many trained people (or controls) the report says there are too few people to conclude.",
    )
    effect_ids = fields.One2many("spm.training.effect", "course_id", string="Effect")
    enrolment_ids = fields.One2many("spm.training.enrolment", "course_id", string="Enrolments")
    enrolment_count = fields.Integer(compute="_compute_enrolment_stats")
    completion_rate = fields.Float(string="Completion (%)", compute="_compute_enrolment_stats", digits=(16, 1))

    @api.depends("enrolment_ids.state")
    def _compute_enrolment_stats(self):
        counts = {
            (course.id, state): count
            for course, state, count in self.env["spm.training.enrolment"]._read_group(
                [("course_id", "in", self.ids)], ["course_id", "state"], ["__count"]
            )
        }
        for course in self:
            done = counts.get((course.id, "done"), 0)
            total = done + counts.get((course.id, "enrolled"), 0)
            course.enrolment_count = total
            course.completion_rate = 100.0 * done / total if total else 0.0

    @api.constrains("kind", "survey_id", "validity_months", "effect_days", "effect_controls", "effect_min_people")
    def _check_settings(self):
        for course in self:
            if course.kind == "survey" and not course.survey_id:
                raise ValidationError(
                    self.env._("Course %(course)s: choose the certification survey it uses.", course=course.name)
                )
            if course.validity_months < 0:
                raise ValidationError(
                    self.env._(
                        "Course %(course)s: the validity cannot be negative (%(months)s months).",
                        course=course.name,
                        months=course.validity_months,
                    )
                )
            if course.effect_days < 1 or course.effect_controls < 1 or course.effect_min_people < 1:
                raise ValidationError(
                    self.env._(
                        "Course %(course)s: the effect window, the controls per person and the minimum people "
                        "must each be at least 1.",
                        course=course.name,
                    )
                )

    def action_compute_effect(self):
        """Measure the effect of the course on each KPI it targets (managers and administrators)."""
        access.require(self.env, "manager", self.env._("Only a manager measures the effect of a training."))
        self.check_access("read")
        for course in self:
            if not course.kpi_ids:
                raise UserError(
                    self.env._(
                        "Course %(course)s targets no KPI: choose its target KPIs before measuring its effect.",
                        course=course.name,
                    )
                )
        self.sudo().env["spm.training.effect"]._compute_for_courses(self.sudo())
        return True

    def action_view_enrolments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_addon.spm_training_enrolment_action")
        action["domain"] = [("course_id", "=", self.id)]
        action["context"] = {"default_course_id": self.id}
        return action
