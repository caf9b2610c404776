from contextlib import contextmanager
from datetime import date, datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class SpmCommon(TransactionCase):
    """A small sales world: three teams, five salespeople, a product and a customer.

    Team A (leader manager_a): rep1, rep2. Team B (leader manager_b): rep3, rep4. Team C (leader
    spm_admin): rep5. ``finance`` is in the Finance group only.
    """

    # True: the world lives in a new company of its own (users, teams, orders, plans), for tests of figures
    # over a whole company (a plan without teams, quintiles or win rates among the company's records), which
    # the main company's other records (Odoo's demo data) would change. No chart of accounts: no invoices.
    own_company = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_notrack=True))
        if cls.own_company:
            company = cls.env["res.company"].create({"name": f"SPM {cls.__name__}"})
            cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        sales_groups = "sales_team.group_sale_salesman,spm_addon.group_spm_user"
        cls.spm_admin = new_test_user(
            cls.env,
            "spm_admin",
            groups="sales_team.group_sale_manager,spm_addon.group_spm_admin",
            name="Sandra Admin",
        )
        cls.manager_a = new_test_user(
            cls.env,
            "manager_a",
            groups="sales_team.group_sale_salesman_all_leads,spm_addon.group_spm_manager",
            name="Mia Manager",
        )
        cls.manager_b = new_test_user(
            cls.env,
            "manager_b",
            groups="sales_team.group_sale_salesman_all_leads,spm_addon.group_spm_manager",
            name="Max Manager",
        )
        cls.finance = new_test_user(
            cls.env, "finance", groups="base.group_user,spm_addon.group_spm_finance", name="Fay Finance"
        )
        cls.reps = [new_test_user(cls.env, f"rep{i}", groups=sales_groups, name=f"Rep {i}") for i in range(1, 6)]
        cls.rep1, cls.rep2, cls.rep3, cls.rep4, cls.rep5 = cls.reps
        Team = cls.env["crm.team"]
        cls.team_a = Team.create(
            {"name": "Team A", "user_id": cls.manager_a.id, "member_ids": [Command.set([cls.rep1.id, cls.rep2.id])]}
        )
        cls.team_b = Team.create(
            {"name": "Team B", "user_id": cls.manager_b.id, "member_ids": [Command.set([cls.rep3.id, cls.rep4.id])]}
        )
        cls.team_c = Team.create(
            {"name": "Team C", "user_id": cls.spm_admin.id, "member_ids": [Command.set([cls.rep5.id])]}
        )
        cls.teams = cls.team_a | cls.team_b | cls.team_c
        cls.customer = cls.env["res.partner"].create({"name": "Customer Co"})
        cls.categ_hw = cls.env["product.category"].create({"name": "Hardware"})
        cls.categ_sv = cls.env["product.category"].create({"name": "Services"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Widget",
                "list_price": 100.0,
                "categ_id": cls.categ_hw.id,
                "taxes_id": [Command.clear()],
                "type": "consu",
                "invoice_policy": "order",
            }
        )
        cls.service = cls.env["product.product"].create(
            {
                "name": "Installation",
                "list_price": 100.0,
                "categ_id": cls.categ_sv.id,
                "taxes_id": [Command.clear()],
                "type": "service",
                "invoice_policy": "order",
            }
        )
        cls.measure_sales = cls.env.ref("spm_addon.spm_measure_sales_revenue")
        cls.measure_invoiced = cls.env.ref("spm_addon.spm_measure_invoiced_revenue")

    @classmethod
    def _order(cls, user, amount, day, team=None, product=None, confirm=True, currency=None, partner=None):
        """A sale order of ``amount`` (untaxed) by ``user`` dated ``day`` (to ``partner``, else the
        customer), confirmed by default."""
        team = team or cls.env["crm.team"].search([("member_ids", "in", [user.id])], limit=1)
        vals = {
            "partner_id": (partner or cls.customer).id,
            "user_id": user.id,
            "team_id": team.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": (product or cls.product).id,
                        "product_uom_qty": 1,
                        "price_unit": amount,
                        "tax_id": [Command.clear()],
                    }
                )
            ],
        }
        if currency:
            pricelist = cls.env["product.pricelist"].create({"name": currency.name, "currency_id": currency.id})
            vals["pricelist_id"] = pricelist.id
        order = cls.env["sale.order"].create(vals)
        if confirm:
            order.action_confirm()
        moment = datetime.combine(day, datetime.min.time().replace(hour=10))
        order.write({"date_order": moment})
        return order

    @classmethod
    def _invoice(cls, user, amount, day, move_type="out_invoice", team=None):
        team = team or cls.env["crm.team"].search([("member_ids", "in", [user.id])], limit=1)
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "invoice_date": day,
                "invoice_user_id": user.id,
                "team_id": team.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _category_plan_with_laptop(self, time_split):
        """An active plan of team A split over Hardware and Services (1,200,000, equal: 300,000 per
        salesperson and category), and a laptop of Laptops, a subcategory of Hardware."""
        laptops = self.env["product.category"].create({"name": "Laptops", "parent_id": self.categ_hw.id})
        laptop = self.env["product.product"].create(
            {"name": "Laptop", "categ_id": laptops.id, "taxes_id": [(5, 0, 0)], "invoice_policy": "order"}
        )
        plan = self._plan(
            name="2026 by category",
            measure_id=self.env.ref("spm_addon.spm_measure_sales_revenue_categ").id,
            split_by_category=True,
            categ_ids=[(6, 0, (self.categ_hw | self.categ_sv).ids)],
            team_ids=[(6, 0, self.team_a.ids)],
            allocation_method="equal",
            time_split=time_split,
        )
        plan.action_allocate()
        plan.action_activate()
        return plan, laptop

    @classmethod
    def _plan(cls, **vals):
        defaults = {
            "name": "2026 Revenue",
            "measure_id": cls.measure_sales.id,
            "date_from": date(2026, 1, 1),
            "date_to": date(2026, 12, 31),
            "team_ids": [Command.set(cls.teams.ids)],
            "target_amount": 1_200_000,
            "allocation_method": "history",
            "time_split": "month",
            "use_seasonality": False,
        }
        return cls.env["spm.quota.plan"].create({**defaults, **vals})

    @contextmanager
    def assertRefused(self, exception, text):
        """The block raises ``exception`` whose message contains ``text``; the savepoint of
        ``assertRaises`` rolls back whatever the block wrote."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    @staticmethod
    def _line(plan, **criteria):
        lines = plan.line_ids.filtered(lambda line: all(line[key] == value for key, value in criteria.items()))
        assert len(lines) == 1, f"{len(lines)} lines match {criteria}"
        return lines
