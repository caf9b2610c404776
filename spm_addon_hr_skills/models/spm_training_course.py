from odoo import fields, models


class SpmTrainingCourse(models.Model):
    _inherit = "spm.training.course"

    skill_ids = fields.Many2many(
        "hr.skill",
        string="Target Skills",
        help="The skills this course teaches: completing it adds those a person lacks to their skills, at the skill "
        "type's default level (never lowering a level they have).",
    )
