from datetime import date

from odoo import Command, fields
from odoo.addons.point_of_sale.tests.common import TestPoSCommon
from odoo.addons.website.tools import MockRequest
from odoo.tests import Form, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSalesChannels(TestPoSCommon):
    """A shop's till and a web shop beside the sales team: whose sale each order is, by each measure.

    Two teams of one salesperson each: Shop (its till, a POS, is Sam's: he is its cashier) and Web (the
    website's salesperson is Wendy). A plan of 120,000 split equally gives each team and each of them
    60,000. Wendy's web shop sells 3 speakers (300, no tax) to a customer who checks out; Sam's till sells 2
    (200, paid in cash). The plans and the measure are an SPM administrator's work.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        users = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.sam = new_test_user(
            cls.env, "spm_sam", groups="sales_team.group_sale_salesman,point_of_sale.group_pos_user", **users
        )
        cls.wendy = new_test_user(cls.env, "spm_wendy", groups="sales_team.group_sale_salesman", **users)
        cls.spm_admin = new_test_user(
            cls.env, "spm_admin", groups="sales_team.group_sale_manager,spm_addon.group_spm_admin", **users
        )
        cls.buyer = new_test_user(cls.env, "spm_buyer", groups="base.group_portal", **users)
        Team = cls.env["crm.team"]
        cls.team_shop = Team.create(
            {"name": "Shop", "company_id": company.id, "member_ids": [Command.set(cls.sam.ids)]}
        )
        cls.team_web = Team.create(
            {"name": "Web", "company_id": company.id, "member_ids": [Command.set(cls.wendy.ids)]}
        )
        cls.config = cls.basic_config
        cls.config.crm_team_id = cls.team_shop
        cls.website = cls.env["website"].create(
            {
                "name": "SPM Web Shop",
                "company_id": company.id,
                "salesperson_id": cls.wendy.id,
                "salesteam_id": cls.team_web.id,
            }
        )
        cls.env["product.pricelist"].create(
            {
                "name": "Web",
                "currency_id": company.currency_id.id,
                "company_id": company.id,
                "website_id": cls.website.id,
            }
        )
        cls.speaker = cls.create_product("Speaker", cls.categ_basic, 100.0)
        cls.speaker.website_published = True
        cls.today = fields.Date.context_today(cls.env.user)
        cls.year = (date(cls.today.year, 1, 1), date(cls.today.year, 12, 31))

    def _web_order(self):
        """The customer's cart on the website, checked out: confirmed as a payment confirms it."""
        buyer_env = self.env(user=self.buyer)
        with MockRequest(buyer_env, website=self.website.with_user(self.buyer)):
            order = self.website.with_user(self.buyer).sale_get_order(force_create=True)
            order._cart_update(product_id=self.speaker.id, add_qty=3)
        order.action_confirm()
        self.assertEqual(order.amount_untaxed, 300)  # 3 x 100
        self.assertEqual((order.user_id, order.team_id), (self.wendy, self.team_web))  # the website's
        return order

    def _pos_order(self):
        """Sam's sale at the till, paid in cash, its session still open."""
        self.open_new_session()
        data = self.create_ui_order_data([(self.speaker, 2)])
        data["user_id"] = self.sam.id  # the cashier the till sends
        self.env["pos.order"].sync_from_ui([data])
        order = self.pos_session.order_ids
        self.assertEqual((order.state, order.amount_total), ("paid", 200))  # 2 x 100
        self.assertEqual((order.user_id, order.crm_team_id), (self.sam, self.team_shop))
        return order

    def _plan(self, measure):
        plan = (
            self.env["spm.quota.plan"]
            .with_user(self.spm_admin)
            .create(
                {
                    "name": "Channels",
                    "measure_id": measure.id,
                    "date_from": self.year[0],
                    "date_to": self.year[1],
                    "team_ids": [Command.set((self.team_shop | self.team_web).ids)],
                    "target_amount": 120_000,
                    "allocation_method": "equal",
                    "time_split": "quarter",
                }
            )
        )
        plan.action_allocate()
        plan.action_activate()
        return plan

    def _actual(self, plan, user):
        plan._refresh_figures(today=self.today)
        line = plan.line_ids.filtered(lambda line: line.level == "user" and line.user_id == user)
        self.assertEqual(len(line), 1)
        self.assertEqual(line.target, 60_000)  # 120,000 over two teams of one salesperson
        return line.actual_amount

    def test_sale_order_measure_counts_the_web_order_not_the_till(self):
        """The shipped measure counts confirmed sale orders: the web order is one (Wendy's), a POS order
        is not a sale order, so Sam's till sale is not in it."""
        plan = self._plan(self.env.ref("spm_addon.spm_measure_sales_revenue"))
        self._web_order()
        self._pos_order()
        self.assertEqual(self._actual(plan, self.wendy), 300)
        wendy = plan.line_ids.filtered(lambda line: line.level == "user" and line.user_id == self.wendy)
        self.assertAlmostEqual(wendy.attainment, 0.5)  # 300 / 60,000
        self.assertEqual(self._actual(plan, self.sam), 0)

    def test_sales_analysis_measure_counts_the_till_once_posted(self):
        """The shipped measure by product category reads the Sales Analysis, where Point of Sale adds its
        orders, as confirmed ('sale') once their session is closed and posted: Sam's sale counts then."""
        plan = self._plan(self.env.ref("spm_addon.spm_measure_sales_revenue_categ"))
        self._web_order()
        self._pos_order()
        self.assertEqual(self._actual(plan, self.wendy), 300)
        self.assertEqual(self._actual(plan, self.sam), 0)  # paid, its session open: not posted yet
        self.pos_session.action_pos_session_closing_control()
        self.assertEqual(self.pos_session.state, "closed")
        self.assertEqual(self._actual(plan, self.sam), 200)
        self.assertEqual(plan.root_line_id.actual_amount, 500)  # 300 + 200

    def test_admin_measure_on_pos_orders(self):
        """An administrator measures the till's sales: a measure on POS orders, made in its form, credits
        the cashier and the till's team as soon as an order is paid; the web order is not a POS order."""
        form = Form(self.env["spm.measure"].with_user(self.spm_admin))
        form.name = "POS sales"
        form.model_id = self.env["ir.model"]._get("pos.order")
        form.domain = "[('state', 'in', ('paid', 'done', 'invoiced'))]"
        form.date_field_id = self.env["ir.model.fields"]._get("pos.order", "date_order")
        form.user_field_id = self.env["ir.model.fields"]._get("pos.order", "user_id")
        form.team_field_id = self.env["ir.model.fields"]._get("pos.order", "crm_team_id")
        form.aggregation = "sum"
        form.value_field_id = self.env["ir.model.fields"]._get("pos.order", "amount_total")
        plan = self._plan(form.save())
        self._web_order()
        self._pos_order()
        self.assertEqual(self._actual(plan, self.sam), 200)
        shop = plan.line_ids.filtered(lambda line: line.level == "team" and line.team_id == self.team_shop)
        self.assertEqual(shop.actual_amount, 200)
        self.assertAlmostEqual(shop.attainment, 200 / 60_000 * 100)  # 0.33 %
        self.assertEqual(self._actual(plan, self.wendy), 0)
