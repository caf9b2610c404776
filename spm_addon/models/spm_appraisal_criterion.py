from odoo import fields, models


class SpmAppraisalCriterion(models.Model):
    """A criterion the manager rates from 1 to 5, each level described; level x 20 is its score."""

    _name = "spm.appraisal.criterion"
    _description = "Appraisal Criterion"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company")
    description = fields.Text(translate=True)
    level_1 = fields.Char(string="1 - Unsatisfactory", translate=True)
    level_2 = fields.Char(string="2 - Needs improvement", translate=True)
    level_3 = fields.Char(string="3 - Meets expectations", translate=True)
    level_4 = fields.Char(string="4 - Exceeds expectations", translate=True)
    level_5 = fields.Char(string="5 - Outstanding", translate=True)
