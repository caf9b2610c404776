from odoo import fields, models
from odoo.tools import SQL

from ..tools import access
from .spm_customer_report import AMOUNT


class SpmCustomerRfmReport(models.Model):
    """Each customer's recency, frequency and monetary value over their confirmed orders with the
    company, scored 1 to 5 against the company's other customers (quintiles: 5 is the most recent, the
    most frequent, the largest), under the salesperson and team of their last order."""

    _name = "spm.customer.rfm.report"
    _description = "Customer Value (RFM)"
    _auto = False
    _rec_name = "partner_id"
    _order = "monetary desc, partner_id"
    _depends = {
        "sale.order": ["date_order", "company_id", "user_id", "team_id", "partner_id", "amount_untaxed",
                       "currency_rate", "state"],
        "res.partner": ["commercial_partner_id", "country_id", "state_id"],
    }  # fmt: skip

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, help="Of the last order.")
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True, help="Of the last order.")
    country_id = fields.Many2one("res.country", string="Country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="State", readonly=True)
    first_order_date = fields.Date(string="First Order", readonly=True)
    last_order_date = fields.Date(string="Last Order", readonly=True)
    recency_days = fields.Integer(string="Days Since Last Order", readonly=True, aggregator="avg")
    frequency = fields.Integer(string="Orders", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    monetary = fields.Monetary(string="Untaxed Amount", readonly=True, currency_field="currency_id")
    recency_score = fields.Integer(string="R", readonly=True, aggregator="avg", help="1 to 5: 5 ordered most recently.")
    frequency_score = fields.Integer(string="F", readonly=True, aggregator="avg", help="1 to 5: 5 orders most often.")
    monetary_score = fields.Integer(string="M", readonly=True, aggregator="avg", help="1 to 5: 5 buys the most.")
    rfm = fields.Char(string="RFM", readonly=True, help="The three scores, e.g. 555 for the best customers.")

    @property
    def _table_query(self):
        return SQL(
            f"""
            WITH customer AS (
                SELECT MIN(s.id) AS id, s.company_id, c.id AS partner_id, c.country_id, c.state_id,
                       MIN(s.date_order)::date AS first_order_date, MAX(s.date_order)::date AS last_order_date,
                       COUNT(*) AS frequency, SUM({AMOUNT}) AS monetary,
                       (ARRAY_AGG(s.user_id ORDER BY s.date_order DESC, s.id DESC))[1] AS user_id,
                       (ARRAY_AGG(s.team_id ORDER BY s.date_order DESC, s.id DESC))[1] AS team_id
                  FROM sale_order s
                  JOIN res_partner p ON p.id = s.partner_id
                  JOIN res_partner c ON c.id = COALESCE(p.commercial_partner_id, p.id)
                 WHERE s.state = 'sale'
              GROUP BY s.company_id, c.id, c.country_id, c.state_id
            ), scored AS (
                SELECT customer.*, CURRENT_DATE - last_order_date AS recency_days,
                       NTILE(5) OVER (PARTITION BY company_id ORDER BY last_order_date, partner_id) AS recency_score,
                       NTILE(5) OVER (PARTITION BY company_id ORDER BY frequency, partner_id) AS frequency_score,
                       NTILE(5) OVER (PARTITION BY company_id ORDER BY monetary, partner_id) AS monetary_score
                  FROM customer
            )
            SELECT scored.*, recency_score::text || frequency_score::text || monetary_score::text AS rfm FROM scored
            """
        )

    def action_open_orders(self):
        """The customer's confirmed orders with the company."""
        self.ensure_one()
        access.require(self.env, "user", self.env._("Source documents open for the users of Sales Performance."))
        return {
            "type": "ir.actions.act_window",
            "name": self.partner_id.display_name,
            "res_model": "sale.order",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [
                ("partner_id", "child_of", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "sale"),
            ],
        }
