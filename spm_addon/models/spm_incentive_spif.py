from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmIncentiveSpif(models.Model):
    """A SPIF: a fixed bonus per unit sold or per order line of promoted products within dates."""

    _name = "spm.incentive.spif"
    _inherit = ["spm.period.mixin"]
    _description = "SPIF"
    _order = "plan_id, date_from"
    _check_company_auto = True

    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id")
    name = fields.Char(required=True, translate=True)
    product_ids = fields.Many2many("product.product", string="Products", check_company=True)
    categ_id = fields.Many2one("product.category", string="Product Category", help="Every product of the category.")
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    basis = fields.Selection([("unit", "Per unit sold"), ("line", "Per order line")], required=True, default="unit")
    currency_id = fields.Many2one(related="plan_id.currency_id")
    amount = fields.Monetary(currency_field="currency_id", required=True)

    def _period_container(self):
        return self.plan_id

    @api.constrains("amount", "product_ids", "categ_id")
    def _check_spif(self):
        for spif in self:
            if spif.amount < 0:
                raise ValidationError(
                    self.env._("SPIF %(spif)s: the amount cannot be negative (%(amount)s).", spif=spif.name,
                               amount=spif.amount)
                )  # fmt: skip
            if not (spif.product_ids or spif.categ_id):
                raise ValidationError(self.env._("SPIF %(spif)s: choose its products or category.", spif=spif.name))
