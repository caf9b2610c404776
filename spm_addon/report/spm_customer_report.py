from odoo import fields, models
from odoo.tools import SQL

from ..tools import access

# an order's untaxed amount in the company's currency, as sale.report converts it
AMOUNT = "s.amount_untaxed / CASE COALESCE(s.currency_rate, 0) WHEN 0 THEN 1.0 ELSE s.currency_rate END"


class SpmCustomerReport(models.Model):
    """Confirmed orders as customer behaviour: by month, region and channel (sales team, UTM source
    and medium), each order marked as its customer's first (a new customer) or not (returning). Read
    as the orders' salespeople: a salesperson their own, a manager their teams', an administrator all."""

    _name = "spm.customer.report"
    _description = "Customer Behaviour"
    _auto = False
    _rec_name = "order_id"
    _order = "date desc, order_id desc"
    _depends = {  # what the view reads
        "sale.order": [
            "date_order", "company_id", "user_id", "team_id", "partner_id", "source_id", "medium_id",
            "amount_untaxed", "currency_rate", "state",
        ],
        "res.partner": ["commercial_partner_id", "country_id", "state_id"],
    }  # fmt: skip

    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    date = fields.Date(string="Order Date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    country_id = fields.Many2one("res.country", string="Country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="State", readonly=True)
    source_id = fields.Many2one("utm.source", string="Source", readonly=True)
    medium_id = fields.Many2one("utm.medium", string="Medium", readonly=True)
    customer_kind = fields.Selection([("new", "New Customer"), ("returning", "Returning Customer")], readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Untaxed Amount", readonly=True, currency_field="currency_id")

    @property
    def _table_query(self):
        return SQL(
            f"""
            SELECT s.id AS id, s.id AS order_id, s.date_order::date AS date, s.company_id, s.user_id, s.team_id,
                   c.id AS partner_id, c.country_id, c.state_id, s.source_id, s.medium_id, 1 AS order_count,
                   {AMOUNT} AS amount,
                   CASE WHEN ROW_NUMBER() OVER (PARTITION BY s.company_id, c.id ORDER BY s.date_order, s.id) = 1
                        THEN 'new' ELSE 'returning' END AS customer_kind
              FROM sale_order s
              JOIN res_partner p ON p.id = s.partner_id
              JOIN res_partner c ON c.id = COALESCE(p.commercial_partner_id, p.id)
             WHERE s.state = 'sale'
            """
        )

    def action_open_order(self):
        """The order behind the row."""
        self.ensure_one()
        access.require(self.env, "user", self.env._("Source documents open for the users of Sales Performance."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
