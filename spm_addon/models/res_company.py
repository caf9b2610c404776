from odoo import api, fields, models
from odoo.exceptions import ValidationError

FORECAST_HORIZON_MAX = 12


class ResCompany(models.Model):
    _inherit = "res.company"

    spm_forecast_horizon = fields.Integer(
        string="Forecast Horizon (Months)",
        default=3,
        help="How many months the sales forecast covers: the current month and those after it (1 to 12).",
    )

    @api.constrains("spm_forecast_horizon")
    def _check_spm_forecast_horizon(self):
        for company in self:
            if not 1 <= company.spm_forecast_horizon <= FORECAST_HORIZON_MAX:
                raise ValidationError(
                    self.env._(
                        "The forecast horizon of %(company)s is %(months)s months: "
                        "set it between 1 and %(max)s months.",
                        company=company.name,
                        months=company.spm_forecast_horizon,
                        max=FORECAST_HORIZON_MAX,
                    )
                )

    def _spm_job_refresh_readiness(self, job):
        """A batch of the background career readiness refresh of this company (see spm.career.readiness)."""
        return self.env["spm.career.readiness"]._job_refresh(job, self)
