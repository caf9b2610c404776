from odoo import fields, models


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    spm_career_level_id = fields.Many2one(
        "spm.career.level",
        string="Career Level",
        groups="hr.group_hr_user",
        help="The level of the promotion path the employee holds today; readiness is computed for the next one.",
    )
