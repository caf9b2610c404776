import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SpmCommon

OLD_KEYS = {"spm_skip_target_rules": True, "spm_adjust_reason": "said by the client"}


class QuotaTrustCommon(SpmCommon):
    """An equal plan of 1,200,000 over teams A, B and C, split by quarter: teams 400,000 each; rep1, rep2,
    rep3 and rep4 200,000 (quarters of 50,000), rep5 400,000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._plan(allocation_method="equal", time_split="quarter")
        cls.plan.action_allocate()
        cls.company_line = cls.plan.root_line_id
        cls.team_a_line = cls._line(cls.plan, level="team", team_id=cls.team_a)
        cls.rep1_line = cls._line(cls.plan, level="user", user_id=cls.rep1)
        cls.rep2_line = cls._line(cls.plan, level="user", user_id=cls.rep2)
        cls.rep3_line = cls._line(cls.plan, level="user", user_id=cls.rep3)

    def _adjust(self, user, line, new_target, reason, context=None):
        wizard = (
            self.env["spm.quota.line.adjust"]
            .with_user(user)
            .with_context(**(context or {}))
            .create({"line_id": line.id, "new_target": new_target, "reason": reason})
        )
        return wizard.action_apply()


@tagged("post_install", "-at_install")
class TestQuotaTargetTrust(QuotaTrustCommon):
    """Targets of an active plan change only through Adjust, checked on the server: no context key
    skips the rules, the audit trail cannot be forged, figures are the server's."""

    def test_context_keys_do_not_skip_the_adjust_rules(self):
        self.plan.action_activate()
        line = self.rep1_line.with_user(self.manager_a).with_context(**OLD_KEYS)
        with self.assertRefused(UserError, "Adjust"):
            line.write({"target": 300_000})
        with self.assertRefused(UserError, "Adjust"):
            self.rep1_line.with_user(self.spm_admin).with_context(**OLD_KEYS).write({"target": 300_000})
        self.assertEqual(self.rep1_line.target, 200_000)
        self.assertEqual(self.rep2_line.target, 200_000)
        self.assertFalse(self.rep1_line.adjustment_ids)

    def test_adjust_records_the_real_user_whatever_the_context(self):
        self.plan.action_activate()
        result = self._adjust(self.manager_a, self.rep1_line, 250_000, "Bigger territory", OLD_KEYS)
        self.assertEqual(result, {"type": "ir.actions.act_window_close"})
        # team A keeps 400,000: rep2 goes from 200,000 to 150,000; rep1's quarters 62,500, rep2's 37,500
        self.assertEqual(self.rep1_line.target, 250_000)
        self.assertEqual(self.rep2_line.target, 150_000)
        self.assertEqual(self.rep1_line.child_ids.mapped("target"), [62_500] * 4)
        self.assertEqual(self.rep2_line.child_ids.mapped("target"), [37_500] * 4)
        adjustment = self.rep1_line.adjustment_ids
        self.assertEqual((adjustment.old_target, adjustment.new_target), (200_000, 250_000))
        self.assertEqual(adjustment.reason, "Bigger territory")
        self.assertEqual(adjustment.author_id, self.manager_a)
        rebalanced = self.rep2_line.adjustment_ids
        self.assertEqual((rebalanced.old_target, rebalanced.new_target), (200_000, 150_000))
        self.assertEqual(rebalanced.reason, "Rebalanced: Bigger territory")
        self.assertEqual(rebalanced.author_id, self.manager_a)
        self.assertEqual(self.rep1_line.write_uid, self.manager_a)
        self.assertEqual(self.plan.message_ids[0].author_id, self.manager_a.partner_id)

    def test_manager_adjusts_only_what_their_teams_hold(self):
        self.plan.action_activate()
        # another team's salesperson, the company line: not theirs
        with self.assertRefused(AccessError, "teams you lead: Rep 3"):
            self._adjust(self.manager_a, self.rep3_line, 1, "not my team")
        with self.assertRefused(AccessError, "teams you lead"):
            self._adjust(self.manager_a, self.company_line, 2_000_000, "the whole company")
        # their own team's line would rebalance teams B and C
        with self.assertRefused(AccessError, "Team B"):
            self._adjust(self.manager_a, self.team_a_line, 500_000, "push team A")
        self.assertEqual(self.team_a_line.target, 400_000)
        self.assertEqual(self.company_line.child_ids.mapped("target"), [400_000] * 3)
        self.assertFalse(self.env["spm.quota.adjustment"].search([("plan_id", "=", self.plan.id)]))
        # a plan that flags imbalances changes no other line: team A and the company are flagged
        self.plan.balance_mode = "flag"
        self._adjust(self.manager_a, self.team_a_line, 500_000, "push team A")
        self.assertEqual(self.team_a_line.target, 500_000)
        self.assertEqual(self.rep1_line.target, 200_000)
        self.assertEqual(self._line(self.plan, level="team", team_id=self.team_b).target, 400_000)
        self.assertEqual(self.team_a_line.balance_gap, -100_000)  # 200,000 + 200,000 - 500,000
        self.assertEqual(self.company_line.balance_gap, 100_000)  # 500,000 + 400,000 + 400,000 - 1,200,000
        # a salesperson has no Adjust at all
        with self.assertRaises(AccessError):
            self._adjust(self.rep1, self.rep1_line, 1, "mine")

    def test_draft_targets_are_the_administrators(self):
        with self.assertRefused(AccessError, "administrator"):
            self.rep1_line.with_user(self.manager_a).with_context(**OLD_KEYS).write({"target": 300_000})
        with self.assertRefused(AccessError, "administrator"):
            self.rep1_line.with_user(self.manager_a).write({"user_id": self.rep2.id})
        self.assertEqual(self.rep1_line.target, 200_000)
        self.assertEqual(self.rep1_line.user_id, self.rep1)
        # the administrator's change rebalances: team A keeps 400,000, rep2 100,000, rep1's quarters 75,000
        self.rep1_line.with_user(self.spm_admin).target = 300_000
        self.assertEqual(self.rep2_line.target, 100_000)
        self.assertEqual(self.rep1_line.child_ids.mapped("target"), [75_000] * 4)
        self.assertFalse(self.rep1_line.adjustment_ids)  # a draft is not audited

    def test_adjustments_are_written_by_the_server_only(self):
        self.plan.action_activate()
        forged = {
            "line_id": self.rep1_line.id,
            "old_target": 200_000,
            "new_target": 1,
            "reason": "forged",
            "author_id": self.manager_b.id,
        }
        for user in (self.manager_a, self.spm_admin):
            with self.assertRefused(AccessError, "Adjust"):
                self.env["spm.quota.adjustment"].with_user(user).with_context(**OLD_KEYS).create(forged)
        self.assertFalse(self.rep1_line.adjustment_ids)
        # server code records the real user, whatever author it is handed
        adjustment = self.env["spm.quota.adjustment"].with_user(self.manager_a).sudo().create(forged)
        self.assertEqual(adjustment.author_id, self.manager_a)
        with self.assertRaises(UserError):
            adjustment.with_user(self.spm_admin).write({"reason": "rewritten"})

    def test_figures_are_written_by_the_refresh_only(self):
        self._order(self.rep1, 30_000, date(2026, 2, 3))
        self.plan.action_activate()
        self.plan._refresh_figures(today=date(2026, 6, 30))
        self.assertEqual(self.rep1_line.actual_amount, 30_000)
        self.assertAlmostEqual(self.rep1_line.attainment, 15.0)  # 30,000 / 200,000
        for values in (
            {"actual_amount": 999_999},
            {"attainment": 999},
            {"pace": 999, "projected_amount": 1},
            {"history_amount": 5},
            {"depth": 7},
        ):
            with self.assertRefused(UserError, "computed by the server"):
                self.rep1_line.with_user(self.manager_a).with_context(**OLD_KEYS).write(values)
            with self.assertRefused(UserError, "computed by the server"):
                self.rep1_line.with_user(self.spm_admin).write(values)
        self.plan.action_lock()
        self.plan.action_close()
        with self.assertRefused(UserError, "computed by the server"):
            self.rep1_line.with_user(self.manager_a).write({"actual_amount": 999_999, "attainment": 999})
        with self.assertRefused(UserError, "closed"):
            self.rep1_line.with_user(self.manager_a).write({"capacity_weight": 2})
        self.assertEqual(self.rep1_line.actual_amount, 30_000)
        self.assertAlmostEqual(self.rep1_line.attainment, 15.0)


@tagged("post_install", "-at_install")
class TestQuotaPlanButtons(QuotaTrustCommon):
    """Every button returns something XML-RPC can carry and checks the caller's group on the server."""

    def test_buttons_return_a_value(self):
        plan = self.plan.with_user(self.spm_admin)
        draft = self._plan(name="Draft", measure_id=self.measure_invoiced.id, time_split="none")
        draft = draft.with_user(self.spm_admin)
        self.assertIs(draft.action_allocate(), True)
        self.assertIs(draft.action_rollup(), True)
        self.assertIs(plan.action_activate(), True)
        self.assertIs(plan.action_reset_draft(), True)
        self.assertIs(plan.action_activate(), True)
        self.assertIs(plan.with_user(self.manager_a).action_refresh(), True)
        self.assertIs(plan.action_lock(), True)
        self.assertIs(plan.action_close(), True)
        for name in ("action_view_lines", "action_view_hierarchy"):
            self.assertEqual(getattr(plan, name)()["type"], "ir.actions.act_window")

    def test_state_buttons_check_the_group(self):
        manager_buttons = ("action_allocate", "action_rollup", "action_activate")
        for name in manager_buttons:
            with self.assertRefused(AccessError, "administrator"):
                getattr(self.plan.with_user(self.manager_a).with_context(**OLD_KEYS), name)()
        self.assertEqual(self.plan.state, "draft")
        self.plan.action_activate()
        for name in ("action_lock", "action_reset_draft"):
            with self.assertRefused(AccessError, "administrator"):
                getattr(self.plan.with_user(self.manager_a), name)()
        # the refresh writes with SQL: a salesperson may not run it
        refreshed_on = self.plan.refresh_date
        self._order(self.rep1, 10_000, date(2026, 1, 5))
        with self.assertRefused(AccessError, "manager"):
            self.plan.with_user(self.rep1).action_refresh()
        self.assertEqual(self.rep1_line.actual_amount, 0)
        self.assertEqual(self.plan.refresh_date, refreshed_on)
        self.assertEqual(self.plan.state, "active")
        self.plan.action_lock()
        with self.assertRefused(AccessError, "administrator"):
            self.plan.with_user(self.manager_a).action_close()
        self.assertEqual(self.plan.state, "locked")


@tagged("post_install", "-at_install")
class TestQuotaPlanScope(SpmCommon):
    """A plan counts only its own teams: its history, suggested target and every actual. In a company of its
    own: a plan without teams counts the whole company, where other orders (Odoo's demo data) would count."""

    own_company = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 2025: team A 300,000 (rep1 200,000, rep2 100,000); team B 500,000 (rep3)
        cls._order(cls.rep1, 200_000, date(2025, 3, 10))
        cls._order(cls.rep2, 100_000, date(2025, 8, 10))
        cls._order(cls.rep3, 500_000, date(2025, 5, 5))

    def test_history_and_actuals_of_the_plan_teams_only(self):
        plan = self._plan(team_ids=[Command.set(self.team_a.ids)], target_amount=0, growth_rate=10, time_split="none")
        plan.action_allocate()
        company_line = plan.root_line_id
        # team A's 300,000 of history + 10 %, not the company's 800,000
        self.assertEqual(company_line.history_amount, 300_000)
        self.assertEqual(plan.target_amount, 330_000)
        self.assertEqual(company_line.target, 330_000)
        self.assertEqual(self._line(plan, level="user", user_id=self.rep1).target, 220_000)  # 200/300 of 330,000
        plan.action_activate()
        # 2026: rep1 40,000 for team A and 5,000 for team B, rep2 20,000, rep3 70,000 (team B)
        self._order(self.rep1, 40_000, date(2026, 2, 2))
        self._order(self.rep1, 5_000, date(2026, 2, 3), team=self.team_b)
        self._order(self.rep2, 20_000, date(2026, 3, 3))
        self._order(self.rep3, 70_000, date(2026, 3, 4))
        plan._refresh_figures(today=date(2026, 6, 30))
        self.assertEqual(company_line.actual_amount, 60_000)  # 40,000 + 20,000
        self.assertAlmostEqual(company_line.attainment, 60_000 / 330_000 * 100, places=6)
        self.assertEqual(self._line(plan, level="team", team_id=self.team_a).actual_amount, 60_000)
        self.assertEqual(self._line(plan, level="user", user_id=self.rep1).actual_amount, 40_000)
        # a plan without teams is the whole company: 800,000 of history; 40,000 + 5,000 + 20,000 + 70,000
        whole = self._plan(name="Whole", team_ids=[Command.clear()], target_amount=0, time_split="none")
        whole.action_allocate()
        self.assertEqual(whole.root_line_id.history_amount, 800_000)
        self.assertEqual(whole.target_amount, 800_000)
        whole._refresh_figures(today=date(2026, 6, 30))
        self.assertEqual(whole.root_line_id.actual_amount, 135_000)

    def test_category_lines_of_the_plan_teams_only(self):
        plan = self._plan(
            name="By category",
            measure_id=self.env.ref("spm_addon.spm_measure_sales_revenue_categ").id,
            team_ids=[Command.set(self.team_a.ids)],
            split_by_category=True,
            categ_ids=[Command.set((self.categ_hw | self.categ_sv).ids)],
            allocation_method="equal",
            target_amount=400_000,
            time_split="none",
        )
        plan.action_allocate()
        plan.action_activate()
        self._order(self.rep1, 10_000, date(2026, 4, 1))
        self._order(self.rep1, 4_000, date(2026, 4, 2), team=self.team_b)
        self._order(self.rep1, 3_000, date(2026, 4, 3), product=self.service)
        self._order(self.rep3, 9_000, date(2026, 4, 4))
        plan._refresh_figures(today=date(2026, 6, 30))
        hardware = self._line(plan, level="categ", user_id=self.rep1, categ_id=self.categ_hw)
        self.assertEqual(hardware.actual_amount, 10_000)  # not the 4,000 sold for team B
        self.assertAlmostEqual(hardware.attainment, 10.0)  # 10,000 / (400,000 / 2 reps / 2 categories)
        self.assertEqual(self._line(plan, level="user", user_id=self.rep1).actual_amount, 13_000)
        self.assertEqual(plan.root_line_id.actual_amount, 13_000)  # rep3's 9,000 is team B's


@tagged("post_install", "-at_install")
class TestQuotaWhatUsersSee(QuotaTrustCommon):
    """The consistency of the tree and the plan's attainment are over every line, whoever looks; the
    export says what it covers."""

    def test_manager_sees_a_consistent_company_line(self):
        company_line = self.company_line.with_user(self.manager_a)
        self.assertEqual(company_line.children_total, 1_200_000)
        self.assertEqual(company_line.balance_gap, 0)
        self.assertFalse(self.env["spm.quota.line"].with_user(self.manager_a).search([("balance_gap", "!=", 0)]))
        self.assertEqual(self.team_a_line.with_user(self.manager_a).balance_gap, 0)

    def test_plan_attainment_is_the_whole_plan(self):
        self.plan.action_activate()
        self._order(self.rep3, 60_000, date(2026, 2, 2))
        self.plan._refresh_figures(today=date(2026, 6, 30))
        # 60,000 of 1,200,000: 5 %, also for a salesperson who sees none of it
        for user in (self.rep1, self.manager_a, self.spm_admin):
            self.assertAlmostEqual(self.plan.with_user(user).attainment, 5.0)

    def _export(self, user):
        action = self.plan.with_user(user).action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        rows = list(openpyxl.load_workbook(io.BytesIO(attachment.raw)).active.iter_rows(values_only=True))
        return attachment, rows

    def test_export_by_role(self):
        attachment, rows = self._export(self.manager_a)
        self.assertEqual(rows[2][0], "Covers the teams you lead: Team A")
        names = [row[0].strip() for row in rows[4:-1]]
        # the company line, team A, rep1 and rep2 with their four quarters each
        self.assertEqual(names[:3], [self.company.name, "Team A", "Rep 1"])
        self.assertEqual(len(names), 1 + 1 + 2 * 5)
        self.assertNotIn("Rep 3", names)
        self.assertEqual(rows[-1][0], "Total of the salespeople listed")
        # the file is the manager's own: neither attached to the plan nor readable by others
        self.assertFalse(attachment.res_id)
        self.assertTrue(attachment.with_user(self.manager_a).raw)
        with self.assertRaises(AccessError):
            attachment.with_user(self.manager_b).read(["raw"])
        self.assertFalse(self.env["ir.attachment"].with_user(self.manager_b).search([("id", "=", attachment.id)]))
        _attachment, rows = self._export(self.spm_admin)
        self.assertEqual(rows[2][0], "Covers the whole plan")
        self.assertEqual(len(rows[4:-1]), 1 + 3 + 5 * 5)
        with self.assertRefused(AccessError, "managers"):
            self.plan.with_user(self.rep1).action_export_xlsx()

    def test_export_button_for_managers(self):
        arch = self.env["spm.quota.plan"].with_user(self.rep1).get_view(view_type="form")["arch"]
        self.assertNotIn("action_export_xlsx", arch)
        arch = self.env["spm.quota.plan"].with_user(self.manager_a).get_view(view_type="form")["arch"]
        self.assertIn("action_export_xlsx", arch)


@tagged("post_install", "-at_install")
class TestQuotaAdjustForm(QuotaTrustCommon):
    """The Adjust dialog as a manager types it."""

    def test_adjust_through_the_form(self):
        self.plan.action_activate()
        action = self.rep1_line.with_user(self.manager_a).action_open_adjust()
        wizard = Form(self.env[action["res_model"]].with_user(self.manager_a).with_context(**action["context"]))
        self.assertEqual(wizard.current_target, 200_000)
        wizard.new_target = 180_000
        wizard.reason = "Long leave"
        wizard.save().action_apply()
        self.assertEqual(self.rep2_line.target, 220_000)
        with self.assertRefused(UserError, "cannot be negative"):
            wizard = Form(self.env[action["res_model"]].with_user(self.manager_a).with_context(**action["context"]))
            wizard.new_target = -1
            wizard.reason = "oops"
            wizard.save().action_apply()
