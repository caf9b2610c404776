from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmIncentiveCategoryRate(models.Model):
    """A product category paid at its own commission rate in a plan."""

    _name = "spm.incentive.category.rate"
    _description = "Category Commission Rate"
    _order = "plan_id, categ_id"

    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="cascade", index=True)
    categ_id = fields.Many2one("product.category", string="Product Category", required=True)
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 4))

    _sql_constraints = [
        ("categ_uniq", "unique(plan_id, categ_id)", "A category has one rate per plan."),
    ]

    @api.constrains("rate")
    def _check_rate(self):
        for line in self:
            if line.rate < 0:
                raise ValidationError(
                    self.env._("The rate of %(categ)s cannot be negative.", categ=line.categ_id.display_name)
                )
