from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestInstallSecurity(SpmCommon):
    """The module is installed with its groups and menus; each role sees exactly its records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._plan(allocation_method="equal", time_split="quarter")
        cls.plan.action_allocate()

    def test_groups_and_admin(self):
        admin_group = self.env.ref("spm_addon.group_spm_admin")
        self.assertIn(self.env.ref("base.user_admin"), admin_group.users)
        self.assertIn(self.env.ref("spm_addon.group_spm_user"), admin_group.trans_implied_ids)
        self.assertEqual(admin_group.category_id.name, "Sales Performance")

    def test_menus_by_role(self):
        root = self.env.ref("spm_addon.menu_spm_root")
        config = self.env.ref("spm_addon.menu_spm_config")
        rep_menus = self.env["ir.ui.menu"].with_user(self.rep1)._visible_menu_ids()
        admin_menus = self.env["ir.ui.menu"].with_user(self.spm_admin)._visible_menu_ids()
        self.assertIn(root.id, rep_menus)
        self.assertNotIn(config.id, rep_menus)
        self.assertIn(config.id, admin_menus)

    def test_salesperson_sees_only_own_targets(self):
        lines = self.env["spm.quota.line"].with_user(self.rep1).search([("plan_id", "=", self.plan.id)])
        self.assertEqual(lines.user_id, self.rep1)
        self.assertEqual(len(lines), 1 + 4)  # the year line and four quarters
        colleague = self._line(self.plan, level="user", user_id=self.rep2)
        with self.assertRaises(AccessError):
            colleague.with_user(self.rep1).read(["target"])
        with self.assertRaises(AccessError):
            self._line(self.plan, level="user", user_id=self.rep1).with_user(self.rep1).write({"capacity_weight": 9})

    def test_manager_sees_own_team(self):
        lines = self.env["spm.quota.line"].with_user(self.manager_a).search([("plan_id", "=", self.plan.id)])
        self.assertEqual(lines.team_id, self.team_a)
        self.assertIn(self.plan.root_line_id, lines)
        self.assertNotIn(self._line(self.plan, level="user", user_id=self.rep3), lines)
        with self.assertRaises(AccessError):
            self._line(self.plan, level="user", user_id=self.rep3).with_user(self.manager_a).read(["target"])

    def test_admin_sees_everything(self):
        lines = self.env["spm.quota.line"].with_user(self.spm_admin).search([("plan_id", "=", self.plan.id)])
        self.assertEqual(lines, self.plan.line_ids)

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        plan = self._plan(name="Other plan", company_id=other.id, team_ids=[(5, 0, 0)])
        self.spm_admin.company_ids = [(4, other.id)]
        Plan = self.env["spm.quota.plan"].with_user(self.spm_admin)
        self.assertNotIn(plan, Plan.with_context(allowed_company_ids=[self.company.id]).search([]))
        self.assertIn(plan, Plan.with_context(allowed_company_ids=[other.id]).search([]))
        self.assertNotIn(plan, self.env["spm.quota.plan"].with_user(self.rep1).search([]))

    def test_manager_adjusts_own_team_only(self):
        self.plan.action_activate()
        rep1_line = self._line(self.plan, level="user", user_id=self.rep1)
        wizard = (
            self.env["spm.quota.line.adjust"]
            .with_user(self.manager_a)
            .create(
                {
                    "line_id": rep1_line.id,
                    "new_target": 250_000,
                    "reason": "Bigger territory",
                }
            )
        )
        wizard.action_apply()
        # team A keeps 400,000: rep2 goes down to 150,000
        self.assertEqual(rep1_line.target, 250_000)
        self.assertEqual(self._line(self.plan, level="user", user_id=self.rep2).target, 150_000)
        self.assertEqual(rep1_line.adjustment_ids.author_id, self.manager_a)
        rep3_line = self._line(self.plan, level="user", user_id=self.rep3)
        with self.assertRaises(AccessError):
            self.env["spm.quota.line.adjust"].with_user(self.manager_a).create(
                {
                    "line_id": rep3_line.id,
                    "new_target": 1,
                    "reason": "not my team",
                }
            ).action_apply()
        self.assertEqual(rep3_line.target, 200_000)
        with self.assertRaises(AccessError):
            self.plan.with_user(self.manager_a).write({"name": "renamed"})
        # a manager can refresh the figures of a plan
        self.plan.with_user(self.manager_a).action_refresh()
        self.assertTrue(self.plan.refresh_date)
