from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestQuotaRules(SpmCommon):
    """Bad input is refused with a clear message and nothing is saved; adjustments are audited."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._plan(allocation_method="equal", time_split="quarter")
        cls.plan.action_allocate()
        cls.rep1_line = cls._line(cls.plan, level="user", user_id=cls.rep1)
        cls.rep2_line = cls._line(cls.plan, level="user", user_id=cls.rep2)

    def test_negative_target_refused(self):
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.rep1_line.target = -5
        self.assertEqual(self.rep1_line.target, 200_000)
        with self.assertRefused(ValidationError, "cannot be negative"):
            self._plan(name="Negative", target_amount=-1)
        self.assertFalse(self.env["spm.quota.plan"].search([("name", "=", "Negative")]))

    def test_period_ending_before_start_refused(self):
        with self.assertRefused(ValidationError, "before it starts"):
            self._plan(name="Backwards", date_from=date(2026, 12, 31), date_to=date(2026, 1, 1))

    def test_overlapping_active_plans_refused(self):
        self.plan.action_activate()
        other = self._plan(
            name="Overlap",
            date_from=date(2026, 7, 1),
            date_to=date(2027, 6, 30),
            team_ids=[(6, 0, self.team_a.ids)],
            allocation_method="equal",
            time_split="none",
        )
        other.action_allocate()
        with self.assertRefused(ValidationError, "overlapping periods"):
            other.action_activate()
        self.assertEqual(other.state, "draft")
        # another measure or a disjoint period is fine
        other.measure_id = self.measure_invoiced
        other.action_activate()
        self.assertEqual(other.state, "active")

    def test_strict_plan_refuses_children_above_parent(self):
        self.plan.write({"is_strict": True, "balance_mode": "flag"})
        rep1_line = self.rep1_line.with_user(self.spm_admin)
        with self.assertRefused(ValidationError, "more than its target"):
            rep1_line.target = 250_000
        self.assertEqual(self.rep1_line.target, 200_000)
        with self.assertRefused(ValidationError, "more than its target"):
            rep1_line.target = 150_000  # its own quarters total 200,000
        first_quarter = rep1_line.child_ids[0]
        first_quarter.target = 40_000  # below is allowed
        self.assertEqual(self.rep1_line.balance_gap, -10_000)

    def test_salesperson_outside_team_refused(self):
        team_a_line = self._line(self.plan, level="team", team_id=self.team_a)
        with self.assertRefused(ValidationError, "not a member of the sales team Team A"):
            self.env["spm.quota.line"].create(
                {
                    "plan_id": self.plan.id,
                    "parent_id": team_a_line.id,
                    "level": "user",
                    "team_id": self.team_a.id,
                    "user_id": self.rep3.id,
                    "date_from": date(2026, 1, 1),
                    "date_to": date(2026, 12, 31),
                }
            )

    def test_rebalance_siblings_and_children(self):
        self.plan.action_activate()
        with self.assertRefused(UserError, "Adjust button"):
            self.rep1_line.with_user(self.spm_admin).target = 240_000
        wizard = Form(self.env["spm.quota.line.adjust"].with_context(default_line_id=self.rep1_line.id))
        wizard.new_target = 240_000
        wizard.reason = "Took over the Acme account"
        wizard.save().action_apply()
        # team A stays at 400,000: rep2 goes from 200,000 to 160,000
        self.assertEqual(self.rep1_line.target, 240_000)
        self.assertEqual(self.rep2_line.target, 160_000)
        self.assertEqual(self.rep1_line.child_ids.mapped("target"), [60_000] * 4)
        self.assertEqual(self.rep2_line.child_ids.mapped("target"), [40_000] * 4)
        adjustment = self.rep1_line.adjustment_ids
        self.assertEqual((adjustment.old_target, adjustment.new_target), (200_000, 240_000))
        self.assertEqual(adjustment.reason, "Took over the Acme account")
        self.assertEqual(adjustment.author_id, self.env.user)
        self.assertEqual(self.rep2_line.adjustment_ids.new_target, 160_000)
        self.assertIn("Took over the Acme account", self.plan.message_ids[0].body)
        with self.assertRaises(UserError):
            adjustment.write({"reason": "rewritten"})
        with self.assertRaises(UserError):
            adjustment.unlink()

    def test_flag_instead_of_rebalance(self):
        self.plan.balance_mode = "flag"
        self.plan.action_activate()
        self.env["spm.quota.line.adjust"].with_user(self.manager_a).create(
            {"line_id": self.rep1_line.id, "new_target": 260_000, "reason": "Promotion"}
        ).action_apply()
        team_a_line = self._line(self.plan, level="team", team_id=self.team_a)
        self.assertEqual(self.rep2_line.target, 200_000)
        self.assertEqual(team_a_line.balance_gap, 60_000)
        self.assertIn(team_a_line, self.env["spm.quota.line"].search([("balance_gap", "!=", 0)]))

    def test_locked_plan_refuses_every_change(self):
        self.plan.action_activate()
        self.plan.action_lock()
        with self.assertRefused(UserError, "locked"):
            self.env["spm.quota.line.adjust"].with_user(self.manager_a).create(
                {"line_id": self.rep1_line.id, "new_target": 1, "reason": "late change"}
            ).action_apply()
        with self.assertRefused(UserError, "locked"):
            self.rep1_line.with_user(self.spm_admin).target = 1
        with self.assertRefused(UserError, "locked"):
            self.plan.target_amount = 5
        with self.assertRefused(UserError, "locked"):
            self.rep1_line.unlink()
        with self.assertRaises(UserError):
            self.plan.action_allocate()
        with self.assertRaises(UserError):
            self.plan.action_reset_draft()
        self.assertEqual(self.rep1_line.target, 200_000)
        # figures still refresh, and closing is allowed
        self.plan._refresh_figures(today=date(2026, 3, 1))
        self.plan.action_close()
        self.assertEqual(self.plan.state, "closed")

    def test_pace_alerts_once_per_line(self):
        self.plan.action_activate()
        self._order(self.rep1, 90_000, date(2026, 2, 1))
        self.plan._refresh_figures(today=date(2026, 3, 31))
        activities = self.plan._create_pace_alerts()
        # rep1 is at 90,000 of 50,000 expected (180 %); every other rep and team B, C are at 0
        lines = activities.mapped(lambda act: self.env["spm.quota.line"].browse(act.res_id))
        self.assertNotIn(self.rep1_line, lines)
        self.assertIn(self.rep2_line, lines)
        rep2_alert = activities.filtered(lambda act: act.res_id == self.rep2_line.id)
        self.assertEqual(rep2_alert.user_id, self.manager_a)
        self.assertIn("expected by now", rep2_alert.note)
        self.assertIn("50,000", rep2_alert.note)
        # team A is at 90,000 of 100,000 expected: 90 %, above the 80 % threshold
        team_a_line = self._line(self.plan, level="team", team_id=self.team_a)
        self.assertAlmostEqual(team_a_line.pace, 90.0)
        self.assertNotIn(team_a_line, lines)
        # rep2, rep3, rep4, rep5 and teams B and C lag
        self.assertEqual(len(activities), 6)
        # a second run creates nothing new
        self.plan._refresh_figures(today=date(2026, 3, 31))
        self.assertFalse(self.plan._create_pace_alerts())
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "spm.quota.line"), ("res_id", "in", self.plan.line_ids.ids)]
            ),
            6,
        )
