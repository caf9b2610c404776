from datetime import date
from xmlrpc.client import Fault

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import SpmCommon

# Context keys the addon once read as permissions; a client can send any key it likes.
FORGED = {
    "spm_appraisal_compute": True,
    "spm_payout_unlock": True,
    "spm_skip_target_rules": True,
    "spm_adjust_reason": "forged",
}


@tagged("post_install", "-at_install")
class TestRpcRoles(SpmCommon, HttpCase):
    """Each role over real XML-RPC, as an integrator would call the models: rules hold whatever the
    context says, and every button returns a value XML-RPC can carry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        for rep in (cls.rep1, cls.rep2):
            env["hr.employee"].create({"name": rep.name, "user_id": rep.id})
        cls.quota = cls._plan(allocation_method="equal", time_split="none")
        cls.quota.action_allocate()
        cls.quota.action_activate()
        cls.rep1_line = cls.quota.line_ids.filtered(lambda line: line.user_id == cls.rep1)
        template = env.ref("spm_addon.spm_appraisal_template_sales")
        cls.campaign = env["spm.appraisal.campaign"].create(
            {"name": "H1", "template_id": template.id, "date_from": date(2026, 1, 1), "date_to": date(2026, 6, 30),
             "team_ids": [Command.set(cls.team_a.ids)]}
        )  # fmt: skip
        cls.campaign.action_start()
        cls.appraisal = cls.campaign.appraisal_ids.filtered(lambda appraisal: appraisal.user_id == cls.rep1)
        cls.grade_s = template.grade_ids.filtered(lambda grade: grade.name == "S")
        cls.incentive = env["spm.incentive.plan"].create(
            {"name": "Commission", "date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31),
             "measure_id": cls.measure_sales.id, "team_ids": [Command.set(cls.teams.ids)], "rate_type": "flat",
             "flat_rate": 5}
        )  # fmt: skip
        cls._order(cls.rep1, 10_000, date(2026, 1, 10))
        cls._order(cls.rep1, 4_000, date(2026, 2, 10))
        cls.locked = env["spm.payout.run"].create(
            {"name": "January", "plan_id": cls.incentive.id, "date_from": date(2026, 1, 1),
             "date_to": date(2026, 1, 31)}
        )  # fmt: skip
        cls.locked.action_compute()
        cls.locked.with_user(cls.spm_admin).action_approve()
        cls.locked.with_user(cls.finance).action_lock()
        cls.draft = env["spm.payout.run"].create(
            {"name": "February", "plan_id": cls.incentive.id, "date_from": date(2026, 2, 1),
             "date_to": date(2026, 2, 28)}
        )  # fmt: skip
        cls.rep1_payout_line = cls.locked.statement_ids.filtered(lambda s: s.user_id == cls.rep1).line_ids[:1]

    def _call(self, user, model, method, *args, context=None, **kwargs):
        """``method`` of ``model`` over XML-RPC as ``user`` (new_test_user's password: the login padded with x)."""
        password = user.login.ljust(8, "x")
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, password, {})
        self.assertTrue(uid, f"{user.login} logs in over XML-RPC")
        if context is not None:
            kwargs["context"] = context
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, uid, password, model, method, list(args), kwargs)

    def assertFault(self, user, model, method, *args, context=None, **kwargs):
        with self.assertRaises(Fault, msg=f"{user.login}: {model}.{method} must be refused"):
            self._call(user, model, method, *args, context=context, **kwargs)

    def test_forged_context_changes_nothing(self):
        appraisal, line, locked = self.appraisal, self.rep1_line, self.locked
        # a salesperson cannot score their own appraisal
        self.assertFault(
            self.rep1, "spm.appraisal", "write", appraisal.ids, {"score": 150, "grade_id": self.grade_s.id},
            context=FORGED,
        )  # fmt: skip
        self.assertFault(
            self.rep1, "spm.appraisal.line", "write", appraisal.line_ids[:1].ids, {"score": 150}, context=FORGED
        )
        # a manager cannot reopen a locked run, nor move states by hand
        self.assertFault(self.manager_a, "spm.payout.run", "write", locked.ids, {"state": "draft"}, context=FORGED)
        self.assertFault(self.manager_a, "spm.payout.run", "action_reset_draft", locked.ids, context=FORGED)
        self.assertFault(self.finance, "spm.payout.run", "write", self.draft.ids, {"state": "approved"})
        self.assertFault(self.manager_a, "spm.payout.run", "action_compute", self.draft.ids, context=FORGED)
        # a manager cannot change an active target without Adjust, nor forge the audit trail or the figures
        self.assertFault(self.manager_a, "spm.quota.line", "write", line.ids, {"target": 1}, context=FORGED)
        self.assertFault(
            self.manager_a, "spm.quota.adjustment", "create",
            {"line_id": line.id, "old_target": 1, "new_target": 2, "reason": "x", "author_id": self.rep2.id},
            context=FORGED,
        )  # fmt: skip
        self.assertFault(
            self.manager_a, "spm.quota.line", "write", line.ids, {"actual_amount": 999_999, "attainment": 999},
            context=FORGED,
        )  # fmt: skip
        # a salesperson cannot create a dispute that is already accepted
        self.assertFault(
            self.rep1, "spm.payout.dispute", "create",
            {"line_id": self.rep1_payout_line.id, "comment": "pay me", "state": "accepted",
             "adjustment_amount": 5000},
            context=FORGED,
        )  # fmt: skip
        self.env.invalidate_all()
        self.assertNotEqual(appraisal.score, 150)
        self.assertNotEqual(appraisal.final_grade_id, self.grade_s)
        self.assertEqual((locked.state, self.draft.state), ("locked", "draft"))
        self.assertNotEqual(line.target, 1)
        self.assertNotEqual(line.actual_amount, 999_999)
        self.assertFalse(self.env["spm.quota.adjustment"].search([("line_id", "=", line.id)]))
        self.assertFalse(self.env["spm.payout.dispute"].search([]))

    def test_buttons_answer_over_xmlrpc(self):
        """Every button an integrator calls returns a value XML-RPC can carry, as the role that may call it."""
        plan = self._plan(name="2027", date_from=date(2027, 1, 1), date_to=date(2027, 12, 31), time_split="quarter")
        for method in ("action_allocate", "action_rollup", "action_activate", "action_refresh", "action_lock",
                       "action_close"):  # fmt: skip
            self.assertIsNotNone(self._call(self.spm_admin, "spm.quota.plan", method, plan.ids), method)
        self.assertEqual(plan.state, "closed")
        self._call(
            self.manager_a, "spm.quota.line.adjust", "action_apply",
            self._call(self.manager_a, "spm.quota.line.adjust", "create",
                       {"line_id": self.rep1_line.id, "new_target": 123_456, "reason": "promotion"}),
        )  # fmt: skip
        self.assertEqual(self.rep1_line.target, 123_456)
        adjustment = self.env["spm.quota.adjustment"].search([("line_id", "=", self.rep1_line.id)])
        self.assertEqual((adjustment.author_id, adjustment.new_target), (self.manager_a, 123_456))
        self._call(self.spm_admin, "spm.payout.run", "action_compute", self.draft.ids)
        self._call(self.spm_admin, "spm.payout.run", "action_approve", self.draft.ids)
        self._call(self.finance, "spm.payout.run", "action_lock", self.draft.ids)
        self.assertEqual(self.draft.state, "locked")
        self._call(self.rep1, "spm.appraisal", "action_submit_self", self.appraisal.ids)
        self.assertEqual(self.appraisal.state, "review")
        dispute = self._call(
            self.rep1, "spm.payout.dispute", "create", {"line_id": self.rep1_payout_line.id, "comment": "12 %?"}
        )
        self._call(self.manager_a, "spm.payout.dispute", "write", [dispute], {"adjustment_amount": 50})
        self._call(self.manager_a, "spm.payout.dispute", "action_accept", [dispute])
        self.assertEqual(self.env["spm.payout.dispute"].browse(dispute).state, "accepted")
