from odoo import api, fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    spm_is_on_time = fields.Boolean(
        string="Done on Time",
        compute="_compute_spm_is_on_time",
        store=True,
        help="Done on or before its deadline (for activities of types that keep done activities).",
    )

    @api.depends("date_done", "date_deadline")
    def _compute_spm_is_on_time(self):
        for activity in self:
            activity.spm_is_on_time = bool(activity.date_done and activity.date_done <= activity.date_deadline)
