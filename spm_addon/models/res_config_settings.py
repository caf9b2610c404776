from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    spm_forecast_horizon = fields.Integer(related="company_id.spm_forecast_horizon", readonly=False)
