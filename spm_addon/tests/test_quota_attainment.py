from datetime import date

from odoo.tests import tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestQuotaAttainment(SpmCommon):
    """Attainment, expected-to-date, pace, projection and gap, live from orders and invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._plan(allocation_method="equal", time_split="month", expected_basis="seasonal")
        cls.plan.action_allocate()
        cls.plan.action_activate()
        cls.rep1_line = cls._line(cls.plan, level="user", user_id=cls.rep1)
        cls.team_a_line = cls._line(cls.plan, level="team", team_id=cls.team_a)
        cls.mid_year = date(2026, 6, 30)

    def test_order_confirmation_moves_attainment(self):
        # equal split: teams 400,000, team A's reps 200,000, months 16,666.67 / 16,666.66
        self.assertEqual(self.rep1_line.target, 200_000)
        self._order(self.rep1, 36_000, date(2026, 2, 10))
        self._order(self.rep1, 50_000, date(2026, 3, 1), confirm=False)
        self.plan._refresh_figures(today=self.mid_year)
        self.assertEqual(self.rep1_line.actual_amount, 36_000)
        self.assertAlmostEqual(self.rep1_line.attainment, 18.0)  # 36,000 / 200,000
        self.assertEqual(self.team_a_line.actual_amount, 36_000)
        self.assertAlmostEqual(self.team_a_line.attainment, 9.0)  # 36,000 / 400,000
        self.assertAlmostEqual(self.plan.root_line_id.attainment, 3.0)  # 36,000 / 1,200,000
        february = self._line(self.plan, user_id=self.rep1, period_type="month", date_from=date(2026, 2, 1))
        self.assertEqual(february.actual_amount, 36_000)
        march = self._line(self.plan, user_id=self.rep1, period_type="month", date_from=date(2026, 3, 1))
        self.assertEqual(march.actual_amount, 0)
        # the quotation is confirmed: attainment moves
        quotation = self.env["sale.order"].search([("user_id", "=", self.rep1.id), ("state", "=", "draft")])
        quotation.action_confirm()
        quotation.date_order = "2026-03-01 10:00:00"
        self.plan._refresh_figures(today=self.mid_year)
        self.assertEqual(self.rep1_line.actual_amount, 86_000)
        self.assertAlmostEqual(self.rep1_line.attainment, 43.0)
        self.assertEqual(march.actual_amount, 50_000)

    def test_pacing_seasonal_curve(self):
        self._order(self.rep1, 36_000, date(2026, 2, 10))
        self.plan._refresh_figures(today=self.mid_year)
        # six whole months of 200,000 / 12 are expected by 30 June: 100,000
        self.assertAlmostEqual(self.rep1_line.expected_amount, 100_000, places=2)
        self.assertAlmostEqual(self.rep1_line.pace, 36.0, places=3)  # 36,000 / 100,000
        self.assertAlmostEqual(self.rep1_line.projected_amount, 72_000, places=2)  # 36,000 / 0.5
        self.assertAlmostEqual(self.rep1_line.gap_amount, -128_000, places=2)

    def test_pacing_working_days(self):
        self.plan.expected_basis = "working_days"
        self._order(self.rep1, 36_000, date(2026, 2, 10))
        self.plan._refresh_figures(today=self.mid_year)
        # 129 of 2026's 261 working days have passed by 30 June
        expected = 200_000 * 129 / 261
        self.assertAlmostEqual(self.rep1_line.expected_amount, expected, places=2)
        self.assertAlmostEqual(self.rep1_line.pace, 36_000 / expected * 100, places=3)
        self.assertAlmostEqual(self.rep1_line.projected_amount, 36_000 * 261 / 129, places=2)

    def test_refund_lowers_invoiced_attainment(self):
        plan = self._plan(
            name="Invoiced 2026",
            measure_id=self.measure_invoiced.id,
            allocation_method="equal",
            time_split="quarter",
            team_ids=[(6, 0, self.team_a.ids)],
            target_amount=400_000,
        )
        plan.action_allocate()
        plan.action_activate()
        rep1 = self._line(plan, level="user", user_id=self.rep1)
        self._invoice(self.rep1, 100_000, date(2026, 1, 20))
        plan._refresh_figures(today=self.mid_year)
        self.assertEqual(rep1.actual_amount, 100_000)
        self.assertAlmostEqual(rep1.attainment, 50.0)  # 100,000 / 200,000
        self._invoice(self.rep1, 40_000, date(2026, 2, 3), move_type="out_refund")
        plan._refresh_figures(today=self.mid_year)
        self.assertEqual(rep1.actual_amount, 60_000)
        self.assertAlmostEqual(rep1.attainment, 30.0)

    def test_foreign_currency_order_converted(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"name": "2026-01-01", "rate": 0.5, "currency_id": eur.id, "company_id": self.company.id}
        )
        # 10,000 EUR at 0.5 EUR per company unit = 20,000 in the company's currency
        order = self._order(self.rep2, 10_000, date(2026, 4, 2), currency=eur)
        self.assertEqual(order.currency_id, eur)
        self.plan._refresh_figures(today=self.mid_year)
        self.assertAlmostEqual(self._line(self.plan, level="user", user_id=self.rep2).actual_amount, 20_000, places=2)

    def test_source_drilldown(self):
        order = self._order(self.rep1, 1_000, date(2026, 5, 5))
        self._order(self.rep2, 2_000, date(2026, 5, 5))
        action = self.rep1_line.action_view_sources()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), order)

    def test_refresh_rewrites_only_changed_lines(self):
        self._order(self.rep1, 36_000, date(2026, 2, 10))
        self.plan._refresh_figures(today=self.mid_year)
        self.assertEqual(self.plan._compute_figures(self.mid_year), [])  # up to date: nothing to write
        # a new order of 12,000 on 10 February changes the five targets whose scope and dates hold it
        self._order(self.rep1, 12_000, date(2026, 2, 10))
        changed = {row[0]: row[1] for row in self.plan._compute_figures(self.mid_year)}
        quarter = self._line(self.plan, user_id=self.rep1, period_type="quarter", date_from=date(2026, 1, 1))
        february = self._line(self.plan, user_id=self.rep1, period_type="month", date_from=date(2026, 2, 1))
        expected = {
            self.plan.root_line_id.id: 48_000,
            self.team_a_line.id: 48_000,
            self.rep1_line.id: 48_000,
            quarter.id: 48_000,
            february.id: 48_000,
        }
        self.assertEqual(changed, expected)
        self.plan._refresh_figures(today=self.mid_year)
        self.assertEqual(february.actual_amount, 48_000)
        self.assertAlmostEqual(february.attainment, 288.0, places=3)  # 48,000 / 16,666.67
        # the next day moves expected-to-date (and pace) of the lines whose period holds it
        next_day = {row[0] for row in self.plan._compute_figures(date(2026, 7, 1))}
        running = self.plan.line_ids.filtered(lambda line: line.date_from <= date(2026, 7, 1) <= line.date_to)
        self.assertEqual(next_day, set(running.ids))

    def test_category_attainment_takes_in_subcategories(self):
        plan, laptop = self._category_plan_with_laptop("quarter")
        self.assertEqual(laptop.categ_id.parent_id, self.categ_hw)
        self._order(self.rep1, 10_000, date(2026, 5, 4), product=laptop)
        self._order(self.rep1, 5_000, date(2026, 5, 6), product=self.service)
        self._order(self.rep2, 7_000, date(2026, 8, 6), product=self.product)
        plan._refresh_figures(today=self.mid_year)
        hardware = self._line(plan, level="categ", user_id=self.rep1, categ_id=self.categ_hw)
        services = self._line(plan, level="categ", user_id=self.rep1, categ_id=self.categ_sv)
        q2_hardware = hardware.child_ids.filtered(lambda line: line.date_from == date(2026, 4, 1))
        self.assertEqual(hardware.actual_amount, 10_000)  # the laptop's category is under Hardware
        self.assertEqual(q2_hardware.actual_amount, 10_000)
        self.assertEqual(services.actual_amount, 5_000)
        self.assertEqual(self._line(plan, level="user", user_id=self.rep1).actual_amount, 15_000)
        self.assertEqual(self._line(plan, level="team", team_id=self.team_a).actual_amount, 22_000)
        # equal split: 1,200,000 / 2 reps / 2 categories = 300,000 of hardware; 10,000 is 3.33 %
        self.assertEqual(hardware.target, 300_000)
        self.assertAlmostEqual(hardware.attainment, 10_000 / 300_000 * 100, places=6)
