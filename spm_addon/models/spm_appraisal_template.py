from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.float_utils import float_compare

# name, from score, colour (Odoo tag colours: green, teal, cyan, orange, red)
DEFAULT_GRADES = [("S", 110.0, 10), ("A", 100.0, 7), ("B", 85.0, 4), ("C", 70.0, 2), ("D", 0.0, 1)]


class SpmAppraisalTemplate(models.Model):
    """What an appraisal weighs: KPI lines and manager criteria whose weights total 100 %, grouped by
    category (e.g. results 60 / behaviour 20 / satisfaction 20), and the grade bands."""

    _name = "spm.appraisal.template"
    _inherit = ["mail.thread"]
    _description = "Appraisal Template"
    _order = "name"

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    description = fields.Html(translate=True)
    line_ids = fields.One2many("spm.appraisal.template.line", "template_id", string="Weighted Lines", copy=True)
    grade_ids = fields.One2many(
        "spm.appraisal.grade",
        "template_id",
        string="Grades",
        copy=True,
        default=lambda self: [
            Command.create({"name": name, "min_score": score, "color": color}) for name, score, color in DEFAULT_GRADES
        ],
    )
    appraisal_properties_definition = fields.PropertiesDefinition(
        string="Appraisal Properties", help="Fields of your own on every appraisal of this template."
    )
    has_self_assessment = fields.Boolean(string="Self-Assessment", default=True)
    has_calibration = fields.Boolean(
        string="Calibration", default=True, help="Managers calibrate grades before the campaign closes."
    )
    training_threshold = fields.Float(
        string="Training Need Below Score",
        default=60.0,
        digits=(16, 1),
        help="When an appraisal is done, each KPI or criterion line scoring below this score becomes a training "
        "need with the courses that target it. 0: no training needs.",
    )
    total_weight = fields.Float(compute="_compute_weights", digits=(5, 2))
    result_weight = fields.Float(string="Results (%)", compute="_compute_weights", digits=(5, 2))
    behaviour_weight = fields.Float(string="Behaviour (%)", compute="_compute_weights", digits=(5, 2))
    satisfaction_weight = fields.Float(string="Satisfaction (%)", compute="_compute_weights", digits=(5, 2))
    custom_weight = fields.Float(string="Custom (%)", compute="_compute_weights", digits=(5, 2))

    @api.depends("line_ids.weight", "line_ids.category")
    def _compute_weights(self):
        for template in self:
            weights = dict.fromkeys(("result", "behaviour", "satisfaction", "custom"), 0.0)
            for line in template.line_ids:
                weights[line.category] += line.weight
            template.total_weight = sum(weights.values())
            template.result_weight = weights["result"]
            template.behaviour_weight = weights["behaviour"]
            template.satisfaction_weight = weights["satisfaction"]
            template.custom_weight = weights["custom"]

    @api.constrains("training_threshold")
    def _check_training_threshold(self):
        for template in self:
            if template.training_threshold < 0:
                raise ValidationError(
                    self.env._(
                        "Template %(template)s: the training need threshold cannot be negative (%(threshold)s).",
                        template=template.name,
                        threshold=template.training_threshold,
                    )
                )

    @api.constrains("line_ids", "grade_ids")
    def _check_weights(self):
        for template in self:
            total = sum(template.line_ids.mapped("weight"))
            if template.line_ids and float_compare(total, 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._(
                        "Template %(template)s: the weights total %(total)s %%, they must total 100 %%.",
                        template=template.name,
                        total=round(total, 2),
                    )
                )
            if not template.grade_ids.filtered(lambda g: g.min_score == 0):
                raise ValidationError(
                    self.env._(
                        "Template %(template)s: the lowest grade must start at score 0 so that every "
                        "score has a grade.",
                        template=template.name,
                    )
                )

    def _grade_for(self, score):
        """The grade band of ``score``."""
        self.ensure_one()
        for grade in self.grade_ids.sorted("min_score", reverse=True):
            if score >= grade.min_score:
                return grade
        return self.env["spm.appraisal.grade"]
