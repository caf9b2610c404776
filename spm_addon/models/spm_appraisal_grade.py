from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmAppraisalGrade(models.Model):
    """A grade band of an appraisal template: the grade of every score from its minimum up to the
    next band's; an optional maximum share of appraisals for a forced distribution."""

    _name = "spm.appraisal.grade"
    _description = "Appraisal Grade"
    _order = "template_id, min_score desc"

    template_id = fields.Many2one("spm.appraisal.template", required=True, ondelete="cascade", index=True)
    name = fields.Char(required=True, translate=True)
    min_score = fields.Float(string="From Score", required=True)
    max_share = fields.Float(
        string="Maximum Share (%)",
        help="Forced distribution: at most this share of a campaign's appraisals may get the grade (0 = no limit).",
    )
    color = fields.Integer()

    _sql_constraints = [
        ("min_score_uniq", "unique(template_id, min_score)", "Two grades of a template start at the same score."),
    ]

    @api.constrains("min_score", "max_share")
    def _check_values(self):
        for grade in self:
            if grade.min_score < 0 or not 0 <= grade.max_share <= 100:
                raise ValidationError(
                    self.env._(
                        "Grade %(grade)s: the minimum score must be positive and the maximum share between "
                        "0 and 100 %% (got %(score)s and %(share)s).",
                        grade=grade.name,
                        score=grade.min_score,
                        share=grade.max_share,
                    )
                )
