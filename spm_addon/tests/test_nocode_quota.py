from collections import Counter
from datetime import date, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models import spm_quota_plan_allocation
from ..models.spm_quota_line import FIGURE_COLUMNS
from ..models.spm_quota_plan_allocation import LINE_COLUMNS, TARGET_COLUMNS
from ..tools import bulk
from .common import SpmCommon
from .nocode_common import NoCodeMixin

ALLOCATION = "odoo.addons.spm_addon.models.spm_quota_plan_allocation"
FIGURES = "odoo.addons.spm_addon.models.spm_quota_plan_figures"
BULK = "odoo.addons.spm_addon.tools.bulk"
MID_YEAR = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestNoCodeQuota(NoCodeMixin, SpmCommon):
    """Allocation and refresh write targets in bulk: whatever an admin configured on them holds as for
    the same change made in a form, after the allocation and after the refresh.

    The plan: 1,200,000 split equally over teams A, B and C (400,000 each), their salespeople (team A's
    200,000 each) and quarters (rep1's Q1 50,000): 1 + 3 + 5 + 5 x 4 = 29 lines."""

    def _allocated(self, **vals):
        plan = self._plan(allocation_method="equal", time_split="quarter", **vals)
        self.assertIs(plan.with_user(self.spm_admin).action_allocate(), True)  # small: done at once
        self.assertEqual(len(plan.line_ids), 29)
        return plan

    def _refreshed(self, plan):
        """Activate, sell 30,000 for rep1 in February and refresh as team A's manager."""
        plan.with_user(self.spm_admin).action_activate()
        self._order(self.rep1, 30_000, date(2026, 2, 1))
        self.assertIs(plan.with_user(self.manager_a).action_refresh(), True)
        rep1 = self._line(plan, level="user", user_id=self.rep1)
        self.assertEqual((rep1.actual_amount, rep1.attainment), (30_000, 15.0))  # 30,000 / 200,000
        return plan

    def test_plain_targets_take_the_fast_path(self):
        Line = self.env["spm.quota.line"]
        self.assertEqual(bulk.orm_reasons(Line, LINE_COLUMNS[1:], create=True), [])
        self.assertEqual(bulk.orm_reasons(Line, list(FIGURE_COLUMNS)), [])
        self.assertEqual(bulk.orm_reasons(Line, list(TARGET_COLUMNS)), [])
        # target is tracked: a re-allocation with tracking on writes through the ORM (the chatter shows it)
        tracked = Line.with_context(tracking_disable=False)
        self.assertEqual(bulk.orm_reasons(tracked, list(TARGET_COLUMNS)), ["tracked fields target"])
        with (
            patch.object(bulk, "_insert_orm", side_effect=AssertionError("ORM path")) as insert_orm,
            patch.object(bulk, "copy_rows", wraps=bulk.copy_rows) as copy_rows,
            patch.object(bulk, "update_rows", wraps=bulk.update_rows) as update_rows,
        ):
            plan = self._refreshed(self._allocated())
        insert_orm.assert_not_called()
        self.assertEqual(copy_rows.call_args_list[0].args[1], "spm_quota_line")  # one COPY of 29 lines
        self.assertEqual({call.args[1] for call in update_rows.call_args_list}, {"spm_quota_line"})
        # the audit columns are those of whoever allocated, and of whoever refreshed the lines that moved
        lines = plan.line_ids
        self.assertEqual(lines.create_uid, self.spm_admin)
        rep1 = self._line(plan, level="user", user_id=self.rep1)
        self.assertEqual(rep1.write_uid, self.manager_a)
        self.assertEqual(self._line(plan, level="user", user_id=self.rep5).write_uid, self.spm_admin)

    def test_required_custom_field_with_default_and_audit_columns(self):
        self._custom_field("spm.quota.line", "x_region", required=True, default="EMEA")
        self.assertTrue(bulk.orm_reasons(self.env["spm.quota.line"], LINE_COLUMNS[1:], create=True))
        with patch(f"{BULK}.ORM_CHUNK", 4):  # chunks of 4 lines: salespeople point to teams of an earlier chunk
            plan = self._allocated()  # did not fail on "a mandatory field is not set"
        lines = plan.line_ids
        rep1 = self._line(plan, level="user", user_id=self.rep1)
        self.assertEqual(rep1.parent_id, self._line(plan, level="team", team_id=self.team_a))
        self.assertEqual(rep1.child_ids.mapped("period_type"), ["quarter"] * 4)
        self.assertEqual(set(lines.mapped("x_region")), {"EMEA"})
        self.assertEqual((lines.create_uid, lines.write_uid), (self.spm_admin, self.spm_admin))
        self.assertFalse(lines.filtered("balance_gap"), "the tree is consistent")
        self.assertEqual(self._line(plan, level="period", user_id=self.rep1, date_from=date(2026, 1, 1)).target, 50_000)
        self._refreshed(plan)
        self.assertEqual(set(plan.line_ids.mapped("x_region")), {"EMEA"})
        self.assertEqual(self._line(plan, level="user", user_id=self.rep1).write_uid, self.manager_a)

    def test_stored_computed_custom_field(self):
        self._custom_field(
            "spm.quota.line",
            "x_gap",
            ttype="float",
            depends="target,actual_amount",
            compute="for line in self:\n    line['x_gap'] = line.target - line.actual_amount",
        )
        self.assertIn("x_gap", bulk.orm_reasons(self.env["spm.quota.line"], list(FIGURE_COLUMNS))[0])
        plan = self._allocated()
        rep1 = self._line(plan, level="user", user_id=self.rep1)
        self.assertEqual(rep1.x_gap, 200_000)  # nothing sold yet
        self.assertEqual(plan.line_ids.mapped("x_gap"), plan.line_ids.mapped("target"))
        self._refreshed(plan)
        self.assertEqual(rep1.x_gap, 170_000)  # 200,000 - 30,000
        q1 = self._line(plan, level="period", user_id=self.rep1, date_from=date(2026, 1, 1))
        self.assertEqual(q1.x_gap, 20_000)  # 50,000 - 30,000
        for line in plan.line_ids:
            self.assertAlmostEqual(line.x_gap, line.target - line.actual_amount, places=2)

    def test_automation_rule_on_attainment_fires_as_in_a_form(self):
        counter = self._automation("spm.quota.line", fields=["attainment"], counter="attainment")
        plan = self._allocated()
        # as in a form: a rule "on save" runs once on each target created, whatever its trigger fields
        self.assertEqual(self._fired(counter), 29)
        plan.with_user(self.spm_admin).action_activate()  # expected to date moves, attainment stays 0
        self.assertEqual(self._fired(counter), 29)
        before = {line.id: line.attainment for line in plan.line_ids}
        self._order(self.rep1, 30_000, date(2026, 2, 1))
        self._order(self.rep3, 40_000, date(2026, 5, 1))
        plan._refresh_figures(today=MID_YEAR)
        moved = plan.line_ids.filtered(lambda line: line.attainment != before[line.id])
        # rep1 and their Q1, rep3 and their Q2, teams A and B, the company
        self.assertEqual(len(moved), 7)
        self.assertEqual(self._fired(counter), 29 + 7, "once per target whose attainment changed")
        plan._refresh_figures(today=MID_YEAR)
        plan._refresh_figures(today=MID_YEAR + timedelta(days=1))  # pace moves, attainment does not
        self.assertEqual(self._fired(counter), 29 + 7, "nothing changed: the rule does not run")
        self.assertEqual(plan._compute_figures(MID_YEAR + timedelta(days=1), tolerant=True), [])

    def test_a_rule_rewriting_figures_is_named_not_looped_over(self):
        """Figures are the server's: a rule that rewrites them would have each refresh write them again."""
        self._automation("spm.quota.line", counter="rewrite", code="records.write({'pace': 0.0})")
        plan = self._allocated()
        plan.with_user(self.spm_admin).action_activate()
        self._order(self.rep1, 30_000, date(2026, 2, 1))
        with self.assertRefused(UserError, "changed right after the server wrote them"):
            plan._refresh_figures(today=MID_YEAR)
        plan.refresh_date = fields.Datetime.now() - timedelta(hours=2)
        with self.assertLogs(FIGURES, "WARNING"):  # the hourly refresh logs it and goes on with the other plans
            self.env["spm.quota.plan"]._cron_refresh_and_alert()

    def test_tracked_target_on_reallocation(self):
        plan = self._plan(allocation_method="equal", time_split="quarter")
        plan = plan.with_context(tracking_disable=False, mail_notrack=False)
        plan.with_user(self.spm_admin).action_allocate()
        self.env.flush_all()
        self.env.cr.precommit.run()  # the allocation's transaction ends: Odoo tracks no record in the one creating it
        plan.target_amount = 1_500_000
        plan.with_user(self.spm_admin).action_allocate()  # a draft is allocated again: targets move
        self.env.flush_all()
        self.env.cr.precommit.run()
        rep1 = self._line(plan, level="user", user_id=self.rep1)
        tracked = rep1.message_ids.tracking_value_ids.filtered(lambda value: value.field_id.name == "target")
        self.assertEqual(len(tracked), 1, "the target change is tracked in the chatter, as the field declares")
        # 1,500,000 / 3 teams / 2 salespeople
        self.assertEqual((tracked.old_value_float, tracked.new_value_float), (200_000, 250_000))
        self.assertEqual(tracked.mail_message_id.author_id, self.spm_admin.partner_id)
        self.assertEqual(rep1.write_uid, self.spm_admin)
        self.assertEqual(len(plan.line_ids), 29, "no line was added twice")
        plan.with_user(self.spm_admin).action_allocate()  # nothing moves: nothing is written, nothing tracked
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(len(rep1.message_ids.tracking_value_ids), 1)

    def test_properties_defined_per_plan(self):
        """Properties as CRM has them per team: defined on the quota plan by an administrator, defaulted
        on every target its allocation creates, filled in by the managers, grouped by."""
        east = self._plan(name="East", allocation_method="equal", time_split="quarter")
        east.with_user(self.spm_admin).line_properties_definition = [
            {"name": "region", "string": "Region", "type": "char", "default": "East"},
            {"name": "stretch", "string": "Stretch Goal", "type": "boolean"},
        ]
        west = self._plan(
            name="West", measure_id=self.measure_invoiced.id, allocation_method="equal", time_split="none"
        )
        west.with_user(self.spm_admin).line_properties_definition = [
            {"name": "channel", "string": "Channel", "type": "char", "default": "Partners"}
        ]
        Line = self.env["spm.quota.line"]
        self.assertIn("properties of properties", bulk.orm_reasons(Line, [], create=True))
        # only the plans whose targets are written count: a plan without properties keeps the fast path
        plain = self._plan(name="Plain", date_from=date(2027, 1, 1), date_to=date(2027, 12, 31))
        self.assertEqual(bulk.orm_reasons(Line, [], create=True, containers={"plan_id": plain.ids}), [])
        self.assertTrue(bulk.orm_reasons(Line, [], create=True, containers={"plan_id": east.ids}))
        for plan in east | west:
            plan.with_user(self.spm_admin).action_allocate()
        self.assertEqual({line.properties.get("region") for line in east.line_ids}, {"East"})
        self.assertEqual({line.properties.get("channel") for line in west.line_ids}, {"Partners"})
        self.assertNotIn("region", west.line_ids[0].properties)
        self._refreshed(east)
        team_a = self._line(east, level="team", team_id=self.team_a)
        self.assertEqual(team_a.properties, {"region": "East", "stretch": False})
        # team A's manager fills them in, also once the plan is locked (they change no target)
        east.with_user(self.spm_admin).action_lock()
        team_a.with_user(self.manager_a).properties = {"region": "North", "stretch": True}
        self.assertEqual(team_a.properties, {"region": "North", "stretch": True})
        groups = dict(
            self.env["spm.quota.line"]._read_group([("plan_id", "=", east.id)], ["properties.region"], ["__count"])
        )
        self.assertEqual(groups, {"East": 28, "North": 1})

    def test_background_allocation_in_batches_resumes_after_a_crash(self):
        self._custom_field("spm.quota.line", "x_region", required=True, default="EMEA")  # through the ORM
        plan = self._plan(allocation_method="equal", time_split="quarter")
        with patch(f"{ALLOCATION}.BACKGROUND_ABOVE", 20):
            action = plan.with_user(self.spm_admin).action_allocate()
        self.assertEqual(action["tag"], "display_notification")
        job = plan.job_id
        self.assertEqual((job.state, job.total, job.user_id), ("queued", 29, self.spm_admin))
        self.assertFalse(plan.line_ids, "the button only queued the work")
        with patch(f"{BULK}.ORM_LINES_PER_STEP", 10):
            job._run_batch()
            self.assertEqual((job.done, job.total, job.state), (10, 29, "running"))
            plan.invalidate_recordset()
            self.assertEqual(round(plan.job_progress), 34)  # as the form shows it
            insert = spm_quota_plan_allocation.SpmQuotaPlan._insert_lines

            def crash(self, rows, created):
                insert(self, rows, created)  # the batch's lines are written, then the server dies
                raise RuntimeError("server killed")

            with patch.object(spm_quota_plan_allocation.SpmQuotaPlan, "_insert_lines", crash):
                job._run_batch()
            self.assertEqual(job.state, "failed")
            self.assertIn("server killed", job.error)
            self.assertEqual(len(plan.line_ids), 10, "the failed batch left nothing behind")
            with patch(f"{ALLOCATION}.BACKGROUND_ABOVE", 20):
                plan.with_user(self.spm_admin).action_allocate()  # the administrator runs it again
            rerun = plan.job_id
            self.assertNotEqual(rerun, job)
            self.assertEqual(rerun._run_to_end(), "done")
        lines = plan.line_ids
        self.assertEqual(len(lines), 29)
        nodes = Counter((line.parent_id, line.level, line.team_id, line.user_id, line.date_from) for line in lines)
        self.assertEqual(set(nodes.values()), {1}, "exactly one line per node of the cascade")
        self.assertFalse(lines.filtered("balance_gap"))
        self.assertEqual(self._line(plan, level="user", user_id=self.rep1).target, 200_000)
        self.assertEqual(set(lines.mapped("x_region")), {"EMEA"})
        self.assertEqual(lines.create_uid, self.spm_admin, "the job runs as the administrator who queued it")
        self.assertIn("is done", plan.message_ids[0].body)

    def test_background_refresh_in_batches(self):
        counter = self._automation("spm.quota.line", fields=["attainment"], counter="attainment")
        plan = self._allocated()
        plan.with_user(self.spm_admin).action_activate()
        self._order(self.rep1, 30_000, date(2026, 2, 1))
        self._order(self.rep3, 40_000, date(2026, 5, 1))
        fired = self._fired(counter)
        with patch(f"{FIGURES}.BACKGROUND_ABOVE", 20), patch(f"{BULK}.ORM_LINES_PER_STEP", 2):
            action = plan.with_user(self.manager_a).action_refresh()
            self.assertEqual(action["tag"], "display_notification")
            job = plan.job_id
            self.assertEqual((job.user_id, job.step), (self.manager_a, "_job_refresh"))
            job._run_batch()
            self.assertEqual((job.done, job.total), (24, 29), "2 of the 7 lines that moved are written")
            self.assertEqual(job._run_to_end(), "done")
        self.assertEqual(self._fired(counter), fired + 7)
        self.assertEqual(self._line(plan, level="user", user_id=self.rep3).actual_amount, 40_000)
        self.assertEqual(self._line(plan, level="user", user_id=self.rep1).write_uid, self.manager_a)
        self.assertTrue(plan.refresh_date)

    def test_hourly_refresh_in_batches(self):
        plan = self._allocated()
        plan.with_user(self.spm_admin).action_activate()
        self._automation("spm.quota.line", fields=["attainment"], counter="attainment")
        self._order(self.rep1, 30_000, date(2026, 2, 1))
        self._order(self.rep3, 40_000, date(2026, 5, 1))
        plan.refresh_date = last = fields.Datetime.now() - timedelta(hours=2)
        # today as the activation saw it (spm_admin's, UTC): the cron's user may live in another timezone (OdooBot
        # in Odoo's demo data: Brussels), where today is already tomorrow near midnight and every line moves
        cron = self.env["spm.quota.plan"].with_context(
            lastcall=fields.Datetime.now() - timedelta(hours=1), tz=self.spm_admin.tz or "UTC"
        )
        calls = 0
        with patch(f"{BULK}.ORM_LINES_PER_STEP", 2):
            while plan.refresh_date == last and calls < 10:
                cron._cron_refresh_and_alert()  # Odoo's cron commits and calls again while work remains
                calls += 1
        self.assertEqual(calls, 4, "7 lines moved: 2 per call")
        self.assertEqual(self._line(plan, level="team", team_id=self.team_b).actual_amount, 40_000)
        cron._cron_refresh_and_alert()  # refreshed since the last round: left alone
        self.assertGreater(plan.refresh_date, last)
