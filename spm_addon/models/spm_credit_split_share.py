from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmCreditSplitShare(models.Model):
    """One salesperson's share of a split document."""

    _name = "spm.credit.split.share"
    _description = "Credit Split Share"

    split_id = fields.Many2one("spm.credit.split", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True)
    percent = fields.Float(string="Share (%)", required=True, digits=(5, 2))

    @api.depends("user_id", "percent")
    def _compute_display_name(self):
        for share in self:
            share.display_name = f"{share.user_id.name} {share.percent:g} %"

    @api.constrains("percent")
    def _check_percent(self):
        for share in self:
            if not 0 < share.percent <= 100:
                raise ValidationError(
                    self.env._("A share is between 0 and 100 %% (got %(percent)s).", percent=share.percent)
                )
