from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmKpiStep(models.Model):
    """A step of a threshold curve: from this attainment (%) on, the KPI scores this much."""

    _name = "spm.kpi.step"
    _description = "KPI Scoring Step"
    _order = "kpi_id, threshold"

    kpi_id = fields.Many2one("spm.kpi", required=True, ondelete="cascade", index=True)
    threshold = fields.Float(string="Attainment from (%)", required=True)
    score = fields.Float(required=True)

    @api.constrains("threshold", "score")
    def _check_values(self):
        for step in self:
            if step.threshold < 0 or step.score < 0:
                raise ValidationError(
                    self.env._(
                        "KPI %(kpi)s: steps take positive thresholds and scores (%(threshold)s, %(score)s).",
                        kpi=step.kpi_id.name,
                        threshold=step.threshold,
                        score=step.score,
                    )
                )
