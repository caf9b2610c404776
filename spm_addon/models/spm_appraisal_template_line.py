from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .spm_kpi import CATEGORIES


class SpmAppraisalTemplateLine(models.Model):
    """A weighted part of an appraisal template: a KPI, or a criterion rated by the manager."""

    _name = "spm.appraisal.template.line"
    _description = "Appraisal Template Line"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("spm.appraisal.template", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection([("kpi", "KPI"), ("criterion", "Manager rating")], required=True, default="kpi")
    kpi_id = fields.Many2one("spm.kpi", string="KPI", ondelete="restrict")
    criterion_id = fields.Many2one("spm.appraisal.criterion", string="Criterion", ondelete="restrict")
    name = fields.Char(compute="_compute_name")
    category = fields.Selection(
        CATEGORIES, compute="_compute_category", store=True, readonly=False, required=True, precompute=True
    )
    weight = fields.Float(string="Weight (%)", required=True, digits=(5, 2))

    @api.depends("kpi_id", "criterion_id")
    def _compute_name(self):
        for line in self:
            line.name = line.kpi_id.name if line.kind == "kpi" else line.criterion_id.name

    @api.depends("kpi_id")
    def _compute_category(self):
        for line in self:
            line.category = line.kpi_id.category if line.kind == "kpi" and line.kpi_id else line.category or "behaviour"

    @api.constrains("kind", "kpi_id", "criterion_id", "weight")
    def _check_line(self):
        for line in self:
            if (line.kind == "kpi" and not line.kpi_id) or (line.kind == "criterion" and not line.criterion_id):
                raise ValidationError(
                    self.env._(
                        "Template %(template)s: every line needs its KPI or criterion.", template=line.template_id.name
                    )
                )
            if line.weight <= 0:
                raise ValidationError(
                    self.env._(
                        "Template %(template)s: weights are positive percentages (%(line)s has %(weight)s).",
                        template=line.template_id.name,
                        line=line.name,
                        weight=line.weight,
                    )
                )
