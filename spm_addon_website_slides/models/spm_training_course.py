from odoo import fields, models


class SpmTrainingCourse(models.Model):
    _inherit = "spm.training.course"

    channel_id = fields.Many2one(
        "slide.channel",
        string="eLearning Course",
        help="Enrolling makes the person a member of this eLearning course; finishing it completes the training, "
        "with its completion as the score.",
    )
