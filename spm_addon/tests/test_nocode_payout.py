from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import spm_payout_run_compute
from ..tools import bulk
from .nocode_common import NoCodeMixin
from .payout_common import FEBRUARY, JANUARY, PayoutCommon

COMPUTE = "odoo.addons.spm_addon.models.spm_payout_run_compute"
STATEMENT_FIELDS = spm_payout_run_compute.STATEMENT_COLUMNS[1:]
LINE_FIELDS = spm_payout_run_compute.LINE_COLUMNS[1:]


@tagged("post_install", "-at_install")
class TestNoCodePayout(NoCodeMixin, PayoutCommon):
    """A payout run writes statements and lines in bulk: whatever an administrator configured on them
    (custom fields, defaults, automation rules, Properties per plan) holds as for the same records made
    in a form, and a run at scale is computed in the background, a batch of salespeople at a time.

    A flat 10 % plan with a SPIF of 50 per Widget sold in January. January orders (one Widget each):
    rep1 4,000 and 6,000, rep2 20,000, rep3 30,000, rep4 40,000, rep5 50,000: 5 statements, 6
    commission lines and 6 SPIF lines; the run pays 10 % of 150,000 = 15,000 of commission plus 6 x 50 =
    300 of SPIF: 15,300."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._order(cls.rep1, 4_000, date(2026, 1, 10))
        cls._order(cls.rep1, 6_000, date(2026, 1, 11))
        for rep, amount in zip(cls.reps[1:], (20_000, 30_000, 40_000, 50_000), strict=True):
            cls._order(rep, amount, date(2026, 1, 15))
        cls.plan = cls._commission_plan(
            flat_rate=10.0,
            spif_ids=[
                Command.create(
                    {"name": "Widgets", "date_from": JANUARY[0], "date_to": JANUARY[1], "amount": 50,
                     "product_ids": [Command.set(cls.product.ids)]}
                )
            ],
        )  # fmt: skip

    def _new_run(self, plan=None, period=JANUARY, name=None):
        return self.env["spm.payout.run"].create(
            {"name": name or period[0].strftime("%B"), "plan_id": (plan or self.plan).id, "date_from": period[0],
             "date_to": period[1]}
        )  # fmt: skip

    def _computed(self, plan=None, period=JANUARY):
        """A run computed by the administrator, as with the Compute button."""
        run = self._new_run(plan, period)
        self.assertIs(run.with_user(self.spm_admin).action_compute(), True)
        return run

    def _check_january(self, run):
        statements = run.statement_ids
        self.assertEqual(len(statements), 5)
        self.assertEqual(len(statements.user_id), 5, "one statement per salesperson")
        self.assertEqual(len(statements.line_ids), 12)
        self.assertEqual(sum(statements.mapped("commission")), 15_000)
        self.assertEqual(sum(statements.mapped("amount")), 15_300)
        self.assertEqual(run.total_amount, 15_300)
        # rep1: 10 % of 10,000 + 2 Widgets x 50 = 1,100
        self.assertEqual(self._statement(run, self.rep1).amount, 1_100)

    def test_plain_models_take_the_fast_path(self):
        Statement, Line = self.env["spm.payout.statement"], self.env["spm.payout.line"]
        self.assertEqual(bulk.orm_reasons(Statement, STATEMENT_FIELDS, create=True), [])
        self.assertEqual(bulk.orm_reasons(Line, LINE_FIELDS, create=True), [])
        with patch.object(bulk, "_insert_orm", side_effect=AssertionError("the ORM path was taken")):
            run = self._computed()
        self._check_january(run)
        self.assertEqual(run.statement_ids.create_uid, self.spm_admin)  # the COPY fills the audit columns
        self.assertEqual(run.statement_ids.write_uid, self.spm_admin)
        self._check_audit_columns(run)
        self.assertFalse(run.job_id)  # a small run is computed at once

    def _check_audit_columns(self, run):
        """The run's 12 lines name who computed them and when (the transaction's time, as the ORM)."""
        lines = run.statement_ids.line_ids
        self.assertEqual(len(lines), 12)
        self.assertEqual((lines.create_uid, lines.write_uid), (self.spm_admin, self.spm_admin))
        self.assertEqual(set(lines.mapped("create_date")), {self.env.cr.now()})
        self.assertEqual(set(lines.mapped("write_date")), {self.env.cr.now()})

    def test_required_custom_fields_with_defaults_and_audit_columns(self):
        self._custom_field("spm.payout.statement", "x_cost_center", required=True, default="SALES-01")
        self._custom_field("spm.payout.line", "x_payroll_code", required=True, default="P-100")
        self.assertTrue(bulk.orm_reasons(self.env["spm.payout.statement"], STATEMENT_FIELDS, create=True))
        self.assertTrue(bulk.orm_reasons(self.env["spm.payout.line"], LINE_FIELDS, create=True))
        run = self._computed()  # did not fail on "a mandatory field is not set"
        self._check_january(run)
        self.assertEqual(run.statement_ids.mapped("x_cost_center"), ["SALES-01"] * 5)
        self.assertEqual(run.statement_ids.line_ids.mapped("x_payroll_code"), ["P-100"] * 12)
        self.assertEqual(run.statement_ids.create_uid, self.spm_admin)
        self.assertTrue(all(run.statement_ids.mapped("create_date")))
        self._check_audit_columns(run)  # the ORM path fills them too
        # recomputed from scratch: the same again, nothing twice
        run.with_user(self.spm_admin).action_compute()
        self._check_january(run)

    def test_custom_field_on_lines_only(self):
        """Lines through the ORM, statements copied: the ORM computes each statement's amount from its lines."""
        self._custom_field("spm.payout.line", "x_payroll_code", required=True, default="P-100")
        self.assertEqual(bulk.orm_reasons(self.env["spm.payout.statement"], STATEMENT_FIELDS, create=True), [])
        run = self._computed()
        self._check_january(run)
        self.assertEqual(set(run.statement_ids.line_ids.mapped("x_payroll_code")), {"P-100"})

    def test_stored_computed_custom_fields(self):
        self._custom_field(
            "spm.payout.statement",
            "x_net",
            ttype="float",
            depends="amount,commission",
            compute="for statement in self:\n    statement['x_net'] = statement.amount - statement.commission",
        )
        self._custom_field(
            "spm.payout.statement",
            "x_line_count",
            ttype="integer",
            depends="line_ids",
            compute="for statement in self:\n    statement['x_line_count'] = len(statement.line_ids)",
        )
        run = self._computed()
        self._check_january(run)
        # right after the run: what is paid beyond the commission is the SPIF, 50 per Widget
        by_user = {statement.user_id: statement for statement in run.statement_ids}
        self.assertEqual((by_user[self.rep1].x_net, by_user[self.rep1].x_line_count), (100, 4))
        for rep in self.reps[1:]:
            self.assertEqual((by_user[rep].x_net, by_user[rep].x_line_count), (50, 2))
        self.env.invalidate_all()  # and as stored in the database
        self.assertEqual(sum(run.statement_ids.mapped("x_net")), 300)

    def test_automation_rules_fire_as_in_a_form(self):
        on_create = self._automation("spm.payout.statement", trigger="on_create", counter="created")
        on_save = self._automation("spm.payout.statement", fields=["commission"], counter="saved")
        on_approval = self._automation("spm.payout.statement", fields=["approved_by_id"], counter="approved")
        on_line = self._automation("spm.payout.line", trigger="on_create", counter="lines")
        run = self._computed()
        self._check_january(run)
        # once per statement and line created, as when each is saved in a form: computing the amounts
        # afterwards changes no watched field
        self.assertEqual((self._fired(on_create), self._fired(on_save)), (5, 5))
        self.assertEqual(self._fired(on_line), 12)
        self.assertEqual(self._fired(on_approval), 5)  # approved_by_id is set by the creation (empty)
        run.with_user(self.manager_a).action_approve()  # rep1 and rep2
        self.assertEqual(self._fired(on_approval), 7)
        self.assertEqual(self._fired(on_save), 5)

    def test_properties_defined_per_plan(self):
        """Properties as CRM has them per team: defined on the commission plan by an administrator,
        defaulted on every statement its runs compute, filled in by whom may edit statements, grouped by."""
        other = self._commission_plan(name="2026 Bonus Plan", flat_rate=2.0)
        self.plan.with_user(self.spm_admin).statement_properties_definition = [
            {"name": "payroll_batch", "string": "Payroll Batch", "type": "char", "default": "B-01"},
            {"name": "checked", "string": "Checked", "type": "boolean"},
        ]
        other.with_user(self.spm_admin).statement_properties_definition = [
            {"name": "payroll_batch", "string": "Payroll Batch", "type": "char", "default": "BONUS"},
        ]
        self.assertTrue(bulk.orm_reasons(self.env["spm.payout.statement"], STATEMENT_FIELDS, create=True))
        run, other_run = self._computed(), self._computed(other)
        self._check_january(run)
        self.assertEqual([s.properties.get("payroll_batch") for s in run.statement_ids], ["B-01"] * 5)
        self.assertEqual([s.properties.get("payroll_batch") for s in other_run.statement_ids], ["BONUS"] * 5)
        mine = self._statement(run, self.rep1)
        mine.with_user(self.spm_admin).properties = {"payroll_batch": "B-02", "checked": True}
        self.assertEqual(mine.properties, {"payroll_batch": "B-02", "checked": True})
        with self.assertRaises(AccessError):  # statements are the administrators' to edit
            mine.with_user(self.manager_a).properties = {"payroll_batch": "B-03"}
        with self.assertRaises(UserError) as refused:  # the guard names what it protects, not the properties
            mine.with_user(self.spm_admin).write({"properties": {"checked": False}, "commission": 0})
        self.assertIn("Commission", str(refused.exception))
        self.assertNotIn("Properties", str(refused.exception))
        self.assertEqual(mine.commission, 1_000)
        groups = dict(
            self.env["spm.payout.statement"]._read_group(
                [("run_id", "=", run.id)], ["properties.payroll_batch"], ["__count"]
            )
        )
        self.assertEqual(groups, {"B-01": 4, "B-02": 1})
        # shown in the statement form, list and search (group by), editable in the form
        views = self.env["spm.payout.statement"].with_user(self.spm_admin).get_views(
            [(False, "form"), (False, "list"), (False, "search")]
        )["views"]  # fmt: skip
        for view in ("form", "list"):
            self.assertIn('name="properties"', views[view]["arch"])
        self.assertIn("'group_by': 'properties'", views["search"]["arch"])
        self.assertFalse(self.env["spm.payout.statement"]._fields["properties"].readonly)

    def test_both_paths_store_the_same_figures(self):
        """The COPY path leaves in the database exactly what the ORM path (taken when something is
        configured) does: figures rounded as the fields say, the same lines and totals."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"name": "2026-01-01", "rate": 3.0, "currency_id": eur.id, "company_id": self.company.id}
        )
        self._order(self.rep1, 1_000, date(2026, 1, 20), currency=eur)  # 333.333... credited
        plan = self._commission_plan(name="Capped", flat_rate=10.0, cap_amount=777)  # rates of 7.5193... %

        def figures():
            run = self._computed(plan)
            self.env.flush_all()
            self.env.cr.execute(
                """
                SELECT s.user_id, s.credited_amount, s.target, s.attainment, s.commission, s.amount, s.rule_data,
                       l.res_model, l.res_id, l.kind, l.document_date, l.credited_amount, l.rate, l.amount, l.rule_data
                  FROM spm_payout_line l JOIN spm_payout_statement s ON s.id = l.statement_id
                 WHERE s.run_id = %s
              ORDER BY s.user_id, l.res_model, l.res_id, l.kind
                """,
                [run.id],
            )
            rows = self.env.cr.fetchall()
            run.unlink()
            return rows

        plain = figures()
        # rep1: 10,333.33 credited, 1,033.33 capped at 777: 7.5194 % of each order, the rounding residue
        # (777 - 300.77 - 451.16 - 25.06) on the largest
        rep1 = [row[11:14] for row in plain if row[0] == self.rep1.id and row[9] == "commission"]
        self.assertEqual(rep1, [(4_000, 7.5194, 300.77), (6_000, 7.5194, 451.17), (333.33, 7.5194, 25.06)])
        self._custom_field("spm.payout.statement", "x_note")
        self._custom_field("spm.payout.line", "x_note")
        through_orm = figures()
        self.assertEqual(plain, through_orm)

    def test_custom_fields_follow_access_rights(self):
        self._custom_field("spm.payout.statement", "x_note")
        run = self._computed()
        statement = self._statement(run, self.rep1)
        statement.with_user(self.spm_admin).x_note = "Paid with March payroll"
        self.assertEqual(statement.x_note, "Paid with March payroll")
        with self.assertRaises(AccessError):
            statement.with_user(self.finance).x_note = "?"


@tagged("post_install", "-at_install")
class TestPayoutBackground(NoCodeMixin, PayoutCommon):
    """A run over more salespeople or documents than a web request should compute runs as a background
    job, a batch of salespeople at a time, with its progress on the run; a crash in the middle then a
    rerun leaves exactly one statement per salesperson and one line per credited document.

    A flat 10 % plan. January (locked): rep1 4,000 and 6,000, rep2 to rep5 10,000 each. rep1's 4,000
    order is cancelled after January is paid. February: every rep sells 20,000 (rep1 in two orders of
    10,000): 5 statements, 6 commission lines of 10 % (10,000 in total) and rep1's clawback of -400."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cancelled = cls._order(cls.rep1, 4_000, date(2026, 1, 10))
        cls._order(cls.rep1, 6_000, date(2026, 1, 11))
        for rep in cls.reps[1:]:
            cls._order(rep, 10_000, date(2026, 1, 15))
        cls._order(cls.rep1, 10_000, date(2026, 2, 3))
        cls._order(cls.rep1, 10_000, date(2026, 2, 4))
        for rep in cls.reps[1:]:
            cls._order(rep, 20_000, date(2026, 2, 5))
        cls.plan = cls._commission_plan(flat_rate=10.0)
        january = cls._run(cls.plan, JANUARY)
        january.with_user(cls.spm_admin).action_approve()
        january.with_user(cls.finance).action_lock()
        cls.cancelled._action_cancel()
        cls.february = cls.env["spm.payout.run"].create(
            {"name": "February", "plan_id": cls.plan.id, "date_from": FEBRUARY[0], "date_to": FEBRUARY[1]}
        )

    def _compute_in_background(self, threshold=2):
        """Compute as the administrator with 'a few thousand' lowered to ``threshold``."""
        with patch(f"{COMPUTE}.BACKGROUND_ABOVE", threshold):
            action = self.february.with_user(self.spm_admin).action_compute()
        self.assertEqual(action["tag"], "display_notification")
        job = self.february.job_id
        self.assertEqual((job.state, job.user_id), ("queued", self.spm_admin))
        return job

    @staticmethod
    def _run_batches(job, batches):
        with patch(f"{COMPUTE}.COMPUTE_BATCH", 2):
            for _batch in range(batches):
                job._run_batch()

    def _check_february(self):
        run = self.february
        statements = run.statement_ids
        self.assertEqual(len(statements), 5)
        self.assertEqual(len(statements.user_id), 5, "exactly one statement per salesperson")
        commissions = statements.line_ids.filtered(lambda line: line.kind == "commission")
        self.assertEqual(len(commissions), 6)
        self.assertEqual(len(set(commissions.mapped("res_id"))), 6, "one line per credited document")
        clawback = statements.line_ids.filtered(lambda line: line.kind == "clawback")
        self.assertEqual((clawback.amount, clawback.res_id), (-400, self.cancelled.id))
        # 10 % of 100,000 - 400
        self.assertEqual((run.total_amount, self._statement(run, self.rep1).amount), (9_600, 1_600))
        self.assertTrue(run.compute_date)

    def test_runs_in_batches_with_progress_and_notifies(self):
        job = self._compute_in_background()
        self.assertFalse(self.february.statement_ids)  # the button only queued the work
        self._run_batches(job, 1)
        # 5 salespeople, 2 per batch: 3 batches, the last one dates the computation
        self.assertEqual((job.done, job.total, job.state), (2, 5, "running"))
        self.assertEqual(len(self.february.statement_ids), 2)
        self.february.invalidate_recordset(["job_progress"])
        self.assertEqual(self.february.job_progress, 40)  # as the form shows it
        with self.assertRaises(UserError):  # nobody changes it while it is computed
            self.february.with_user(self.spm_admin).date_to = date(2026, 2, 27)
        with self.assertRaises(UserError):  # nor approves it before the end
            self.february.with_user(self.spm_admin).action_approve()
        self._run_batches(job, 1)
        self.assertEqual((job.done, job.total, job.state), (4, 5, "running"))
        self.assertFalse(self.february.compute_date)
        self._run_batches(job, 1)
        self.assertEqual((job.done, job.total, job.state), (5, 5, "done"))
        self._check_february()
        self.assertIn("is done", self.february.message_ids[0].body)
        self.assertIn(self.spm_admin.partner_id, self.february.message_ids[0].partner_ids)
        self.assertEqual(self.february.statement_ids.create_uid, self.spm_admin)  # the job runs as its owner

    def test_many_documents_run_in_the_background_too(self):
        # 5 salespeople are not more than 5, their 6 documents are
        job = self._compute_in_background(threshold=5)
        self._run_batches(job, 3)
        self.assertEqual((job.done, job.total, job.state), (5, 5, "done"))
        self._check_february()

    def test_crash_then_rerun_leaves_exactly_one_result(self):
        job = self._compute_in_background()
        self._run_batches(job, 1)
        insert = bulk.insert

        def crash_on_lines(model, *args, **kwargs):
            if model._name == "spm.payout.line":
                raise RuntimeError("server killed")
            return insert(model, *args, **kwargs)

        with patch(f"{COMPUTE}.bulk.insert", side_effect=crash_on_lines):
            self._run_batches(job, 1)  # the second batch dies after writing its statements
        self.assertEqual(job.state, "failed")
        self.assertIn("server killed", job.error)
        self.assertIn("failed", self.february.message_ids[0].body)
        self.assertEqual(len(self.february.statement_ids), 2, "the failed batch left nothing behind")
        # the administrator computes again: the job resumes where it stopped, adding only what is missing
        rerun = self._compute_in_background()
        self.assertNotEqual(rerun, job)
        self._run_batches(rerun, 2)
        self.assertEqual((rerun.done, rerun.total, rerun.state), (5, 5, "done"))
        self._check_february()
        # once computed, Compute starts again from scratch: the same result
        self.february.with_user(self.spm_admin).action_compute()
        self._check_february()
        self.assertFalse(self.february._running_job())
