from odoo import fields, models


class SpmIncentiveTier(models.Model):
    """A tier of a commission plan: from ``lower`` to ``upper`` (0 = no limit) at ``rate`` %."""

    _name = "spm.incentive.tier"
    _description = "Commission Tier"
    _order = "plan_id, lower"

    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="cascade", index=True)
    lower = fields.Float(string="From", required=True)
    upper = fields.Float(string="To", help="0 = no upper limit (only the last tier).")
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 4))
