from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestQuotaReports(SpmCommon):
    """Pivots and graphs of targets: a group's attainment and pace are its sums' ratio, never an average."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._plan(allocation_method="equal", time_split="month")
        cls.plan.action_allocate()
        cls.plan.action_activate()
        cls.rep1_line = cls._line(cls.plan, level="user", user_id=cls.rep1)
        cls.rep2_line = cls._line(cls.plan, level="user", user_id=cls.rep2)
        # a small world by hand: rep 1 100 of 200 (50 %), 100 expected; rep 2 200 of 300 (66.7 %), 250 expected
        for line, target, actual, expected in ((cls.rep1_line, 200, 100, 100), (cls.rep2_line, 300, 200, 250)):
            cls.env.cr.execute(
                SQL(
                    "UPDATE spm_quota_line SET target = %s, actual_amount = %s, expected_amount = %s, "
                    "attainment = %s, pace = %s WHERE id = %s",
                    target,
                    actual,
                    expected,
                    actual / target * 100,
                    actual / expected * 100,
                    line.id,
                )
            )
        cls.env.invalidate_all()
        cls.domain = [("plan_id", "=", cls.plan.id), ("level", "=", "user"), ("period_type", "=", "plan")]

    def _team_a(self, user):
        # as the web client's pivot asks: each measure with its field's aggregator
        result = (
            self.env["spm.quota.line"]
            .with_user(user)
            .web_read_group(
                [*self.domain, ("team_id", "=", self.team_a.id)],
                ["target:sum", "actual_amount:sum", "attainment:avg", "pace:avg"],
                ["team_id"],
            )
        )
        [group] = result["groups"]
        return group

    def test_team_ratio_is_sum_over_sum(self):
        group = self._team_a(self.manager_a)
        self.assertEqual(group["target"], 500)  # 200 + 300
        self.assertEqual(group["actual_amount"], 300)  # 100 + 200
        # 300 / 500 = 60.0 %, not the average of 50 % and 66.7 % (58.3 %)
        self.assertAlmostEqual(group["attainment"], 60.0)
        # 300 / (100 + 250) = 85.71 %, not the average of 100 % and 80 % (90 %)
        self.assertAlmostEqual(group["pace"], 300 / 350 * 100)

    def test_salesperson_groups_only_their_own_line(self):
        # record rules still apply: rep 1 reads their own target only, 100 / 200 = 50 %
        group = self._team_a(self.rep1)
        self.assertEqual(group["target"], 200)
        self.assertAlmostEqual(group["attainment"], 50.0)
        self.assertAlmostEqual(group["pace"], 100.0)  # 100 / 100

    def test_read_group_ratio_without_target(self):
        # no target in the group: no attainment (not a division by zero)
        self.env.cr.execute(SQL("UPDATE spm_quota_line SET target = 0 WHERE id = %s", self.rep1_line.id))
        self.env.invalidate_all()
        [(attainment,)] = self.env["spm.quota.line"]._read_group(
            [("id", "=", self.rep1_line.id)], [], ["attainment:avg"]
        )
        self.assertFalse(attainment)

    def test_internal_fields_are_no_measures(self):
        fields = self.env["spm.quota.line"].fields_get(["depth", "capacity_weight", "target", "attainment"])
        self.assertFalse(fields["depth"].get("aggregator"))
        self.assertFalse(fields["capacity_weight"].get("aggregator"))
        self.assertEqual(fields["target"]["aggregator"], "sum")
        self.assertEqual(fields["attainment"]["aggregator"], "avg")

    def test_analysis_opens_on_one_plan(self):
        action = self.env["spm.quota.line"].with_user(self.manager_a).action_open_analysis()
        self.assertEqual(action["context"]["search_default_plan_id"], self.plan.id)
        self.assertEqual(action["res_model"], "spm.quota.line")

    def test_reporting_menus_open_for_a_manager(self):
        """The menus' server actions open for a manager, who may not write the read-only report (a
        server action without groups requires write access to its model)."""
        for xmlid, model in (
            ("spm_addon.spm_quota_report_action_open", "spm.quota.report"),
            ("spm_addon.spm_quota_line_action_analysis_open", "spm.quota.line"),
        ):
            action = self.env.ref(xmlid).with_user(self.manager_a).run()
            self.assertEqual((action["res_model"], action["context"]["search_default_plan_id"]), (model, self.plan.id))

    def test_targets_and_actuals_side_by_side(self):
        """The report's rows are the lines' figures: a graph of team A by figure shows the target
        500 (200 + 300) beside the actual 300 (100 + 200) and the 350 expected (100 + 250)."""
        # as the menu runs it: a server action (which Odoo runs only for its group or for who may write)
        menu_action = self.env.ref("spm_addon.spm_quota_report_action_open").with_user(self.manager_a)
        self.assertEqual(menu_action.run()["res_model"], "spm.quota.report")
        action = self.env["spm.quota.report"].with_user(self.manager_a).action_open_report()
        self.assertEqual(
            (action["res_model"], action["context"]["search_default_plan_id"]), ("spm.quota.report", self.plan.id)
        )
        report = self.env["spm.quota.report"]
        domain = [*self.domain, ("team_id", "=", self.team_a.id)]
        groups = report.with_user(self.manager_a)._read_group(domain, ["figure"], ["amount:sum"])
        self.assertEqual(dict(groups), {"target": 500, "actual": 300, "expected": 350})
        # a salesperson reads their own figures only: 200 / 100 / 100
        groups = report.with_user(self.rep1)._read_group(domain, ["figure"], ["amount:sum"])
        self.assertEqual(dict(groups), {"target": 200, "actual": 100, "expected": 100})
        with self.assertRaises(UserError):
            self.env["spm.quota.line"].with_user(self.rep1).action_open_analysis(xml_id="base.action_res_users")

    def test_phones_never_open_a_pivot(self):
        """A pivot scrolls sideways on a 390-px phone: every window action of the addon opens, on a small
        screen, the view the web client picks there (``mobile_view_mode`` when the action has it, else
        its first view), and that view is never a pivot."""
        data = self.env["ir.model.data"].search([("module", "=", "spm_addon"), ("model", "=", "ir.actions.act_window")])
        actions = self.env["ir.actions.act_window"].browse(data.mapped("res_id"))
        self.assertGreater(len(actions), 20)
        for action in actions:
            modes = action.view_mode.split(",")
            phone = action.mobile_view_mode if action.mobile_view_mode in modes else modes[0]
            self.assertNotEqual(phone, "pivot", f"{action.name} ({action.xml_id}) opens a pivot on a phone")
        self.assertEqual(self.env.ref("spm_addon.spm_quota_line_action_analysis").mobile_view_mode, "graph")
        # the analysis opened from the menu keeps it (the client reads it from the returned action)
        action = self.env["spm.quota.line"].with_user(self.manager_a).action_open_analysis()
        self.assertEqual(action["mobile_view_mode"], "graph")


@tagged("post_install", "-at_install")
class TestPayoutReports(SpmCommon):
    """Grouped statements and lines: attainment and effective rate are ratios of the group's sums."""

    def test_statement_and_line_ratio_select(self):
        # SQL of the ratio, checked on the expression itself (the payout world is built by test_incentive)
        statements = self.env["spm.payout.statement"]
        query = statements._search([])
        sql = statements._read_group_select("attainment:avg", query)
        self.assertIn("NULLIF(SUM(", sql.code)
        lines = self.env["spm.payout.line"]
        sql = lines._read_group_select("rate:avg", lines._search([]))
        self.assertIn("NULLIF(SUM(", sql.code)
        # other aggregates are Odoo's own
        self.assertNotIn("NULLIF", statements._read_group_select("attainment:max", query).code)
