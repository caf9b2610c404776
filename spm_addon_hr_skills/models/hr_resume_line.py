from odoo import fields, models


class HrResumeLine(models.Model):
    _inherit = "hr.resume.line"

    spm_enrolment_id = fields.Many2one(
        "spm.training.enrolment", string="Training", readonly=True, index="btree_not_null", ondelete="set null"
    )
