import xmlrpc.client
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged

from .payout_common import FEBRUARY, MARCH, PayoutCommon

UNLOCK = {"spm_payout_unlock": True}  # the context key that once reopened locked runs: it must change nothing


class PayoutWorld(PayoutCommon):
    """A flat 10 % plan over the three teams; January orders: rep1 10,000, rep2 20,000, rep3 30,000,
    rep4 40,000, rep5 50,000, so the run pays 1,000 + 2,000 + 3,000 + 4,000 + 5,000 = 15,000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for rep, amount in zip(cls.reps, (10_000, 20_000, 30_000, 40_000, 50_000), strict=True):
            cls._order(rep, amount, date(2026, 1, 15))
        cls.plan = cls._commission_plan(flat_rate=10.0)
        cls.january = cls._run(cls.plan)


@tagged("post_install", "-at_install")
class TestPayoutAccess(PayoutWorld):
    """Every rule of payout runs, statements, lines and disputes holds for a caller who skips the
    web client: states move only through their buttons, figures are written by the server only."""

    def test_locked_run_never_changes(self):
        self._lock(self.january)
        for user in (self.manager_a, self.finance, self.spm_admin):
            run = self.january.with_user(user).with_context(**UNLOCK)
            with self.assertRaises(UserError):
                run.write({"state": "draft"})
            with self.assertRaises(UserError):
                run.write({"name": "Renamed"})
        with self.assertRaises(UserError):
            self.january.with_user(self.spm_admin).with_context(**UNLOCK).action_reset_draft()
        with self.assertRaises(UserError):
            self.january.with_user(self.spm_admin).with_context(**UNLOCK).action_compute()
        with self.assertRaises(UserError):
            self.january.with_context(**UNLOCK).unlink()
        self.assertEqual((self.january.state, self.january.name), ("locked", "January"))
        self.assertEqual(len(self.january.statement_ids), 5)

    def test_states_and_figures_are_written_by_buttons_only(self):
        run = self.january
        # finance cannot approve by writing the state, nor an administrator lock
        with self.assertRaises(UserError):
            run.with_user(self.finance).with_context(**UNLOCK).write({"state": "approved"})
        with self.assertRaises(UserError):
            run.with_user(self.spm_admin).write({"state": "locked"})
        with self.assertRaises(UserError):
            run.with_user(self.spm_admin).write({"compute_date": "2020-01-01 00:00:00"})
        self.assertEqual(run.state, "draft")
        run.action_approve()
        # a manager cannot lock by writing the state
        with self.assertRaises(UserError):
            run.with_user(self.manager_a).with_context(**UNLOCK).write({"state": "locked"})
        self.assertEqual(run.state, "approved")
        # computing and resetting are the administrator's
        for user in (self.manager_a, self.finance, self.rep1):
            with self.assertRaises(AccessError):
                run.with_user(user).action_reset_draft()
            with self.assertRaises(AccessError):
                run.with_user(user).action_compute()
        self.assertIs(run.with_user(self.spm_admin).action_reset_draft(), True)
        self.assertEqual(run.state, "draft")
        # figures, authors and approvals of statements and lines: nobody writes them, not even an administrator
        statement = self._statement(run, self.rep1)
        line = statement.line_ids
        admin = self.spm_admin
        for vals in ({"commission": 99_999}, {"amount": 99_999}, {"user_id": self.rep2.id},
                     {"approved_by_id": admin.id}, {"state": "locked"}):  # fmt: skip
            with self.assertRaises(UserError):
                statement.with_user(admin).write(vals)
        for vals in ({"amount": 99_999}, {"credited_amount": 1}, {"kind": "dispute"}, {"statement_id": statement.id}):
            with self.assertRaises(UserError):
                self._statement(run, self.rep2).line_ids.with_user(admin).write(vals)
        with self.assertRaises(UserError):
            self.env["spm.payout.statement"].with_user(admin).create(
                {"run_id": run.id, "user_id": self.rep1.id, "commission": 50_000}
            )
        with self.assertRaises(UserError):
            self.env["spm.payout.line"].with_user(admin).create(
                {"statement_id": statement.id, "amount": 50_000, "kind": "commission"}
            )
        with self.assertRaises(UserError):
            line.with_user(admin).unlink()
        self.assertEqual((statement.commission, line.amount, len(statement.line_ids)), (1_000, 1_000, 1))

    def test_dispute_is_resolved_only_by_the_team_leader(self):
        self._lock(self.january)
        Dispute = self.env["spm.payout.dispute"]
        line = self._statement(self.january, self.rep1).line_ids
        # created already accepted with an amount: refused, nothing saved, the next run pays nothing
        for vals in ({"state": "accepted", "adjustment_amount": 5_000}, {"state": "accepted"},
                     {"adjustment_amount": 5_000}, {"resolved_by_id": self.rep1.id}):  # fmt: skip
            with self.assertRaises(UserError):
                Dispute.with_user(self.rep1).with_context(**UNLOCK).create(
                    {"line_id": line.id, "comment": "Pay me", **vals}
                )
        self.assertFalse(Dispute.search([]))
        dispute = Dispute.with_user(self.rep1).create({"line_id": line.id, "comment": "The rate should be 12 %."})
        self.assertEqual((dispute.state, dispute.adjustment_amount), ("open", 0))
        # the salesperson neither sets the amount nor resolves
        with self.assertRaises(UserError):
            dispute.with_user(self.rep1).write({"adjustment_amount": 5_000})
        with self.assertRaises(AccessError):
            dispute.with_user(self.rep1).action_accept()
        # a manager of another team, and finance, do not resolve it either
        with self.assertRaises(UserError):
            dispute.with_user(self.manager_b).action_reject()
        with self.assertRaises(AccessError):
            dispute.with_user(self.finance).action_reject()
        # nobody writes the state directly, not even the team leader
        with self.assertRaises(UserError):
            dispute.with_user(self.manager_a).with_context(**UNLOCK).write({"state": "accepted"})
        self.assertEqual(dispute.state, "open")
        # the team leader sets the amount and accepts: 10,000 x 2 % = 200
        dispute.with_user(self.manager_a).adjustment_amount = 200
        self.assertIs(dispute.with_user(self.manager_a).action_accept(), True)
        self.assertEqual((dispute.state, dispute.resolved_by_id), ("accepted", self.manager_a))
        with self.assertRaises(UserError):  # resolved: the amount is final
            dispute.with_user(self.manager_a).write({"adjustment_amount": 9_000})
        february = self._run(self.plan, FEBRUARY)
        self.assertEqual(self._statement(february, self.rep1).line_ids.mapped("amount"), [200])
        # an administrator resolves any dispute
        other = Dispute.with_user(self.rep3).create(
            {"line_id": self._statement(self.january, self.rep3).line_ids.id, "comment": "Late order."}
        )
        self.assertIs(other.with_user(self.spm_admin).action_reject(), True)
        self.assertEqual(other.state, "rejected")

    def test_approval_per_scope(self):
        run = self.january
        # manager_a leads team A (rep1, rep2): their scope is 2 statements, 1,000 + 2,000 = 3,000;
        # the run's own total covers the 5 statements: 15,000
        mine = run.with_user(self.manager_a)
        self.assertEqual((mine.statement_count, mine.total_amount), (5, 15_000))
        self.assertEqual((mine.scope_statement_count, mine.scope_amount), (2, 3_000))
        self.assertIn("all 5 statements", mine.summary)
        self.assertIn("2 statements", mine.summary)
        self.assertIn("approved 0 of 5", mine.summary)
        self.assertIs(mine.action_approve(), True)
        self.assertEqual(self._statement(run, self.rep1).approved_by_id, self.manager_a)
        self.assertFalse(self._statement(run, self.rep3).approved_by_id)
        self.assertEqual((run.state, run.approved_count), ("draft", 2))
        with self.assertRaises(UserError):  # nothing left in manager_a's scope
            mine.action_approve()
        with self.assertRaises(UserError):  # finance locks only fully approved runs
            run.with_user(self.finance).action_lock()
        with self.assertRaises(AccessError):
            run.with_user(self.rep1).action_approve()
        run.with_user(self.manager_b).action_approve()  # rep3 and rep4
        self.assertEqual((run.state, run.approved_count), ("draft", 4))
        self.assertIn("approved 4 of 5", run.with_user(self.finance).summary)
        run.with_user(self.spm_admin).action_approve()  # rep5, in the team the administrator leads
        self.assertEqual((run.state, run.approved_count), ("approved", 5))
        self.assertIs(run.with_user(self.finance).action_lock(), True)
        self.assertEqual(run.state, "locked")

    def test_salesperson_sees_no_company_total(self):
        with self.assertRaises(AccessError):
            self.january.with_user(self.rep1).read(["total_amount"])
        self.assertEqual(self.january.with_user(self.rep1).read(["name"])[0]["name"], "January")

    def test_payroll_export_is_for_finance_and_administrators(self):
        self._lock(self.january)
        for user in (self.finance, self.spm_admin):
            action = self.january.with_user(user).action_export_xlsx()
            self.assertEqual(action["type"], "ir.actions.act_url")
            arch = self.env["spm.payout.run"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertIn("action_export_xlsx", arch)
        for user in (self.manager_a, self.rep1):
            with self.assertRaises(AccessError):
                self.january.with_user(user).action_export_xlsx()
            arch = self.env["spm.payout.run"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertNotIn("action_export_xlsx", arch)

    def test_buttons_return_rpc_values(self):
        """Whatever a button returns travels over XML-RPC (None does not)."""
        results = [
            self.january.with_user(self.manager_a).action_approve(),
            self.january.with_user(self.spm_admin).action_approve(),
            self.january.with_user(self.spm_admin).action_reset_draft(),
            self.january.with_user(self.spm_admin).action_compute(),
            self.january.with_user(self.spm_admin).action_approve(),
            self.january.with_user(self.finance).action_lock(),
            self.january.with_user(self.finance).action_export_xlsx(),
            self._statement(self.january, self.rep1).line_ids.with_user(self.rep1).action_dispute(),
            self._statement(self.january, self.rep1).line_ids.with_user(self.rep1).action_open_document(),
            self.plan.with_user(self.spm_admin).action_activate(),
            self.plan.with_user(self.spm_admin).action_simulate(),
            self.plan.with_user(self.spm_admin).action_close(),
        ]
        for result in results:
            self.assertIsNotNone(result)
            xmlrpc.client.dumps((result,), allow_none=False)

    def test_forms_still_work(self):
        """What the web client sends passes the server's checks: an administrator creates and computes a
        run in its form, a salesperson disputes a line in the dispute form, finance comments a run."""
        form = Form(self.env["spm.payout.run"].with_user(self.spm_admin))
        form.name = "March"
        form.plan_id = self.plan
        form.date_from, form.date_to = MARCH
        run = form.save()
        self.assertIs(run.action_compute(), True)
        self.assertEqual(run.state, "draft")
        with self.assertRaises(UserError):  # a manager does not set runs up
            run.with_user(self.manager_a).write({"date_to": date(2026, 3, 30)})
        # changing the period of a computed draft drops its statements until it is computed again
        run.with_user(self.spm_admin).date_to = date(2026, 3, 30)
        self.assertFalse(run.compute_date)
        self.assertFalse(run.statement_ids)
        line = self._statement(self.january, self.rep1).line_ids
        dispute_form = Form(self.env["spm.payout.dispute"].with_user(self.rep1).with_context(default_line_id=line.id))
        dispute_form.comment = "The rate should be 12 %."
        self.assertEqual(dispute_form.save().state, "open")
        self.january.with_user(self.finance).message_post(body="Checked against payroll.")

    def test_plan_buttons_are_the_administrators(self):
        for user in (self.manager_a, self.finance, self.rep1):
            with self.assertRaises(AccessError):
                self.plan.with_user(user).action_close()
        self.assertEqual(self.plan.state, "draft")


@tagged("post_install", "-at_install")
class TestPayoutRpc(HttpCase, PayoutWorld):
    """The same rules through XML-RPC, as an integrator's script calls them."""

    def _call(self, user, model, method, *args, **kwargs):
        password = user.login + "x" * (8 - len(user.login))  # new_test_user's password
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, password, model, method, list(args), kwargs)

    def test_rpc(self):
        run_id = self.january.id
        # a manager writing the state with the old unlock key: refused
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(self.manager_a, "spm.payout.run", "write", [run_id], {"state": "approved"},
                       context=UNLOCK)  # fmt: skip
        # approval in scope, lock only once everything is approved
        self.assertIs(self._call(self.manager_a, "spm.payout.run", "action_approve", [run_id]), True)
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(self.finance, "spm.payout.run", "action_lock", [run_id])
        self.assertIs(self._call(self.spm_admin, "spm.payout.run", "action_approve", [run_id]), True)
        self.assertIs(self._call(self.finance, "spm.payout.run", "action_lock", [run_id]), True)
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(self.spm_admin, "spm.payout.run", "write", [run_id], {"state": "draft"}, context=UNLOCK)
        # a dispute created accepted is refused; resolving is the team leader's
        line_id = self._statement(self.january, self.rep1).line_ids.id
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(
                self.rep1,
                "spm.payout.dispute",
                "create",
                {"line_id": line_id, "comment": "Pay", "state": "accepted", "adjustment_amount": 5_000},
            )
        dispute_id = self._call(self.rep1, "spm.payout.dispute", "create", {"line_id": line_id, "comment": "Rate?"})
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(self.rep1, "spm.payout.dispute", "action_reject", [dispute_id])
        self.assertIs(self._call(self.manager_a, "spm.payout.dispute", "action_reject", [dispute_id]), True)
        # payroll export: finance yes, a manager no
        self.assertEqual(
            self._call(self.finance, "spm.payout.run", "action_export_xlsx", [run_id])["type"], "ir.actions.act_url"
        )
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(self.manager_a, "spm.payout.run", "action_export_xlsx", [run_id])
        self.assertEqual(self.env["spm.payout.run"].browse(run_id).state, "locked")
