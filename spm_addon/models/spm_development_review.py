from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmDevelopmentReview(models.Model):
    """A review date of a development plan: on that day its manager gets one activity."""

    _name = "spm.development.review"
    _description = "Development Plan Review"
    _check_company_auto = True
    _order = "plan_id, date, id"
    _rec_name = "date"

    plan_id = fields.Many2one("spm.development.plan", required=True, ondelete="cascade", index=True)
    date = fields.Date(required=True)
    note = fields.Text()
    is_scheduled = fields.Boolean(string="Activity Scheduled", readonly=True, copy=False)
    user_id = fields.Many2one(related="plan_id.user_id", store=True, index=True)
    manager_user_id = fields.Many2one(related="plan_id.manager_user_id", store=True, index=True)
    team_id = fields.Many2one(related="plan_id.team_id", store=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)

    @api.constrains("date", "plan_id")
    def _check_date(self):
        for review in self:
            if review.date < review.plan_id.date_start:
                raise ValidationError(
                    self.env._(
                        "The review of %(plan)s on %(date)s is before the plan starts (%(start)s): "
                        "choose a date on or after it.",
                        plan=review.plan_id.name,
                        date=review.date,
                        start=review.plan_id.date_start,
                    )
                )
