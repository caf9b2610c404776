from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmIncentiveGradeBonus(models.Model):
    """A bonus paid for an appraisal grade (e.g. S: 5,000), for campaigns closed in the run's period."""

    _name = "spm.incentive.grade.bonus"
    _description = "Grade Bonus"
    _order = "plan_id, grade"

    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="cascade", index=True)
    grade = fields.Char(required=True, help="The grade's name in the appraisal template, e.g. S or A.")
    currency_id = fields.Many2one(related="plan_id.currency_id")
    amount = fields.Monetary(currency_field="currency_id", required=True)

    @api.constrains("amount")
    def _check_amount(self):
        for bonus in self:
            if bonus.amount < 0:
                raise ValidationError(self.env._("A grade bonus cannot be negative."))
