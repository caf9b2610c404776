from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import SpmCommon

JAN = date(2026, 1, 1)


@tagged("post_install", "-at_install")
class TestAttainmentReport(SpmCommon):
    """The attainment analysis: targets of the leaf lines beside the actuals of the plan's last refresh,
    grouped by team, salesperson, region and channel; a group's attainment is its sums' ratio."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.plan = cls._plan(allocation_method="equal", time_split="month")
        cls.plan.action_allocate()
        cls.plan.action_activate()
        # January targets by hand: rep 1 200, rep 2 300, every other January target 0
        env.flush_all()
        env.cr.execute(
            SQL(
                "UPDATE spm_quota_line SET target = CASE user_id WHEN %s THEN 200 WHEN %s THEN 300 ELSE 0 END "
                "WHERE plan_id = %s AND date_from = %s AND period_type = 'month'",
                cls.rep1.id,
                cls.rep2.id,
                cls.plan.id,
                JAN,
            )
        )
        env.invalidate_all()
        cls.us_state = env.ref("base.state_us_5")  # California
        cls.customer_be = env["res.partner"].create({"name": "Brussels Co", "country_id": env.ref("base.be").id})
        cls.customer_us = env["res.partner"].create(
            {"name": "Fresno Co", "country_id": env.ref("base.us").id, "state_id": cls.us_state.id}
        )
        cls.source = env["utm.source"].create({"name": "Trade fair"})
        # January actuals: rep 1 100 (Belgium); rep 2 150 (California) + 50 (Belgium, from the trade fair)
        cls.order1 = cls._order(cls.rep1, 100, date(2026, 1, 10), partner=cls.customer_be)
        cls.order2 = cls._order(cls.rep2, 150, date(2026, 1, 12), partner=cls.customer_us)
        cls.order3 = cls._order(cls.rep2, 50, date(2026, 1, 20), partner=cls.customer_be)
        cls.order3.source_id = cls.source
        # rep 3 (team B): 400 in January, not team A's
        cls.order4 = cls._order(cls.rep3, 400, date(2026, 1, 15), partner=cls.customer_us)
        cls.plan._refresh_figures(today=date(2026, 1, 31))
        cls.Report = env["spm.attainment.report"]
        cls.jan = [("plan_id", "=", cls.plan.id), ("date_from", "=", JAN)]

    def _groups(self, user, groupby, domain=()):
        """{group key: (target, actual, attainment)} as the pivot asks (each measure's aggregator)."""
        result = self.Report.with_user(user).read_group(
            [*self.jan, *domain], ["target:sum", "actual:sum", "attainment:avg"], [groupby], lazy=False
        )
        return {
            (group[groupby][0] if isinstance(group[groupby], tuple) else group[groupby]): (
                group["target"],
                group["actual"],
                group["attainment"],
            )
            for group in result
        }

    def test_team_attainment_is_sum_over_sum(self):
        groups = self._groups(self.spm_admin, "team_id")
        target, actual, attainment = groups[self.team_a.id]
        self.assertEqual((target, actual), (500, 300))  # 200 + 300; 100 + 150 + 50
        # 300 / 500 = 60 %, not the average of rep 1's 50 % and rep 2's 66.7 % (58.3 %)
        self.assertAlmostEqual(attainment, 60.0)
        self.assertEqual(groups[self.team_b.id][:2], (0, 400))  # no target: no attainment
        self.assertFalse(groups[self.team_b.id][2])
        by_user = self._groups(self.spm_admin, "user_id", [("team_id", "=", self.team_a.id)])
        self.assertAlmostEqual(by_user[self.rep1.id][2], 50.0)  # 100 / 200
        self.assertAlmostEqual(by_user[self.rep2.id][2], 200 / 300 * 100)

    def test_actuals_split_by_country_state_and_source(self):
        team_a = [("team_id", "=", self.team_a.id)]
        by_country = self._groups(self.spm_admin, "country_id", team_a)
        be, us = self.env.ref("base.be").id, self.env.ref("base.us").id
        self.assertEqual(by_country[be][1], 150)  # 100 (rep 1) + 50 (rep 2)
        self.assertEqual(by_country[us][1], 150)  # rep 2's Californian order
        self.assertFalse(by_country[be][2])  # targets are not set by region: no attainment
        self.assertEqual(by_country[False][:2], (500, 0))  # the targets themselves
        by_state = self._groups(self.spm_admin, "state_id", [*team_a, ("figure", "=", "actual")])
        self.assertEqual(by_state, {self.us_state.id: (0, 150, False), False: (0, 150, False)})
        by_source = self._groups(self.spm_admin, "source_id", [*team_a, ("figure", "=", "actual")])
        self.assertEqual(by_source[self.source.id][1], 50)
        self.assertEqual(by_source[False][1], 250)  # 100 + 150

    def test_periods_match_the_targets(self):
        """Actuals fall in the period of the targets they count against: rep 1 by month over the year
        is January 200 / 100 (50 %), every other month their allocated target and no actual."""
        result = self.Report.read_group(
            [("plan_id", "=", self.plan.id), ("user_id", "=", self.rep1.id)],
            ["target:sum", "actual:sum", "attainment:avg"],
            ["date_from:month"],
            lazy=False,
        )
        self.assertEqual(len(result), 12)
        by_month = {group["__range"]["date_from:month"]["from"]: group for group in result}
        january = by_month.pop("2026-01-01")
        self.assertEqual((january["target"], january["actual"]), (200, 100))
        self.assertAlmostEqual(january["attainment"], 50.0)
        self.assertEqual(sum(group["actual"] for group in by_month.values()), 0)

    def test_refresh_rebuilds_the_actuals(self):
        self._order(self.rep1, 25, date(2026, 1, 25), partner=self.customer_be)
        self.plan._refresh_figures(today=date(2026, 1, 31))
        target, actual, attainment = self._groups(self.spm_admin, "team_id")[self.team_a.id]
        self.assertEqual((target, actual), (500, 325))  # replaced, not added to: 300 + 25
        self.assertAlmostEqual(attainment, 65.0)  # 325 / 500

    def test_drill_down_opens_the_documents_of_the_cell(self):
        # the cell team A x Belgium: rep 1's order and rep 2's trade-fair order
        rows = self.Report.with_user(self.manager_a).search(
            [*self.jan, ("team_id", "=", self.team_a.id), ("country_id", "=", self.env.ref("base.be").id)]
        )
        self.assertEqual(len(rows), 2)  # one fact per salesperson
        action = rows.action_open_documents()
        self.assertEqual(action["res_model"], "sale.order")
        documents = self.env["sale.order"].with_user(self.manager_a).search(action["domain"])
        self.assertEqual(documents, self.order1 | self.order3)
        # the targets of a cell open their quota lines
        targets = self.Report.with_user(self.manager_a).search(
            [*self.jan, ("user_id", "=", self.rep1.id), ("figure", "=", "target")]
        )
        action = targets.action_open_documents()
        self.assertEqual(action["res_model"], "spm.quota.line")
        self.assertEqual(self.env["spm.quota.line"].search(action["domain"]).mapped("target"), [200])
        # checked on the server: a user outside Sales Performance may not call it
        outsider = new_test_user(self.env, "outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.Report.with_user(outsider).browse(rows.ids).action_open_documents()

    def test_salesperson_sees_own_rows_manager_their_teams(self):
        groups = self._groups(self.rep1, "team_id")
        self.assertEqual(list(groups), [self.team_a.id])
        target, actual, attainment = groups[self.team_a.id]
        self.assertEqual((target, actual), (200, 100))  # rep 1's own only
        self.assertAlmostEqual(attainment, 50.0)
        self.assertEqual(set(self._groups(self.rep1, "user_id")), {self.rep1.id})
        # manager A: team A's rows, not team B's; manager B the other way round
        self.assertEqual(set(self._groups(self.manager_a, "team_id")), {self.team_a.id})
        self.assertEqual(self._groups(self.manager_b, "team_id")[self.team_b.id][:2], (0, 400))
        self.assertNotIn(self.team_a.id, self._groups(self.manager_b, "team_id"))

    def test_menu_opens_on_one_plan(self):
        action = self.env.ref("spm_addon.spm_attainment_report_action_open").with_user(self.manager_a).run()
        self.assertEqual(
            (action["res_model"], action["context"]["search_default_plan_id"]), ("spm.attainment.report", self.plan.id)
        )

    def test_shipped_measures_have_channel_fields(self):
        measure = self.measure_sales
        self.assertEqual(
            (measure.partner_field_id.name, measure.source_field_id.name, measure.medium_field_id.name),
            ("partner_id", "source_id", "medium_id"),
        )


@tagged("post_install", "-at_install")
class TestAttainmentReportCategories(SpmCommon):
    """A plan split by product category: a document of a subcategory counts for the target category
    above it, so a category's row holds its target and its actuals, as its quota lines do."""

    def test_subcategory_actuals_roll_up_to_the_target_category(self):
        plan, laptop = self._category_plan_with_laptop("none")
        self._order(self.rep1, 10_000, date(2026, 5, 4), product=laptop)
        self._order(self.rep1, 5_000, date(2026, 5, 6), product=self.service)
        plan._refresh_figures(today=date(2026, 6, 30))
        groups = self.env["spm.attainment.report"].read_group(
            [("plan_id", "=", plan.id), ("user_id", "=", self.rep1.id)],
            ["target:sum", "actual:sum", "attainment:avg"],
            ["categ_id"],
            lazy=False,
        )
        by_categ = {group["categ_id"][0]: (group["target"], group["actual"], group["attainment"]) for group in groups}
        # equal split: 1,200,000 / 2 reps / 2 categories = 300,000 each; the laptop's 10,000 is Hardware's
        # (3.33 %), the installation's 5,000 Services' (1.67 %); no row of Laptops of its own
        self.assertEqual(set(by_categ), {self.categ_hw.id, self.categ_sv.id})
        self.assertEqual(by_categ[self.categ_hw.id][:2], (300_000, 10_000))
        self.assertAlmostEqual(by_categ[self.categ_hw.id][2], 10_000 / 300_000 * 100, places=1)
        self.assertEqual(by_categ[self.categ_sv.id][:2], (300_000, 5_000))
