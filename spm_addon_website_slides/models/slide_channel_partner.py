from odoo import models


class SlideChannelPartner(models.Model):
    _inherit = "slide.channel.partner"

    def _post_completion_update_hook(self, completed=True):
        result = super()._post_completion_update_hook(completed=completed)
        if completed:
            self.env["spm.training.enrolment"]._complete_from_channels(
                self.filtered(lambda m: m.member_status == "completed")
            )
        return result
