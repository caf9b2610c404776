from datetime import date

from odoo import fields
from odoo.tests import tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestCustomerReports(SpmCommon):
    """Customer behaviour (new and returning customers by month and channel) and customer value
    (recency, frequency, monetary), on a small world computed by hand. In a company of its own: a customer's
    quintiles are among the company's customers, which other customers (Odoo's demo data) would change."""

    own_company = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Alpha Co", "is_company": True})
        ann = Partner.create({"name": "Ann", "parent_id": cls.alpha.id})
        cls.beta = Partner.create({"name": "Beta Co", "is_company": True})
        cls.gamma = Partner.create({"name": "Gamma Co", "is_company": True})
        # rep 1 (team A) sells Alpha 100 in January (to its contact Ann) and 200 in March; rep 2 (team A)
        # sells Beta 50 in February; rep 3 (team B) Gamma 400 in February; Beta's quotation of 1,000
        # is not confirmed and counts nowhere
        cls.orders = (
            cls._order(cls.rep1, 100, date(2026, 1, 10), partner=ann)
            | cls._order(cls.rep1, 200, date(2026, 3, 5), partner=cls.alpha)
            | cls._order(cls.rep2, 50, date(2026, 2, 1), partner=cls.beta)
            | cls._order(cls.rep3, 400, date(2026, 2, 15), partner=cls.gamma)
        )
        cls._order(cls.rep2, 1000, date(2026, 3, 1), partner=cls.beta, confirm=False)
        cls.customers = cls.alpha | cls.beta | cls.gamma

    def _kinds(self, user):
        report = self.env["spm.customer.report"].with_user(user)
        groups = report._read_group(
            [("partner_id", "in", self.customers.ids)], ["customer_kind"], ["amount:sum", "order_count:sum"]
        )
        return {kind: (amount, count) for kind, amount, count in groups}

    def test_new_and_returning_customers(self):
        # new: Alpha's first order (100, to its contact: the company is the customer), Beta 50, Gamma
        # 400 = 550 in 3 orders; returning: Alpha's second order, 200
        self.assertEqual(self._kinds(self.spm_admin), {"new": (550, 3), "returning": (200, 1)})
        # rep 1 reads their own orders, manager A their team's (rep 1 and rep 2): 100 + 50 new
        self.assertEqual(self._kinds(self.rep1), {"new": (100, 1), "returning": (200, 1)})
        self.assertEqual(self._kinds(self.manager_a), {"new": (150, 2), "returning": (200, 1)})
        row = self.env["spm.customer.report"].search([("order_id", "=", self.orders[0].id)])
        self.assertEqual((row.partner_id, row.date), (self.alpha, date(2026, 1, 10)))
        action = row.with_user(self.rep1).action_open_order()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", self.orders[0].id))

    def test_recency_frequency_monetary(self):
        rows = self.env["spm.customer.rfm.report"].search([("partner_id", "in", self.customers.ids)])
        by_partner = {row.partner_id: row for row in rows}
        alpha = by_partner[self.alpha]
        self.assertEqual((alpha.frequency, alpha.monetary), (2, 300))
        self.assertEqual((alpha.first_order_date, alpha.last_order_date), (date(2026, 1, 10), date(2026, 3, 5)))
        self.assertEqual(alpha.recency_days, (fields.Date.today() - date(2026, 3, 5)).days)
        self.assertEqual(alpha.user_id, self.rep1)  # of the last order
        # three customers in five quintiles: one each in 1, 2, 3. Recency: Beta (Feb 1) 1, Gamma
        # (Feb 15) 2, Alpha (Mar 5) 3; frequency: Beta and Gamma 1 order (ties by creation), Alpha 2;
        # monetary: Beta 50, Alpha 300, Gamma 400
        self.assertEqual(
            {row.partner_id.name: row.rfm for row in rows}, {"Alpha Co": "332", "Beta Co": "111", "Gamma Co": "223"}
        )
        # rep 1 reads the customers whose last order is theirs, manager A those of team A
        mine = (
            self.env["spm.customer.rfm.report"].with_user(self.rep1).search([("partner_id", "in", self.customers.ids)])
        )
        self.assertEqual(mine.partner_id, self.alpha)
        team = (
            self.env["spm.customer.rfm.report"]
            .with_user(self.manager_a)
            .search([("partner_id", "in", self.customers.ids)])
        )
        self.assertEqual(team.partner_id, self.alpha | self.beta)
        action = alpha.with_user(self.rep1).action_open_orders()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), self.orders[:2])
