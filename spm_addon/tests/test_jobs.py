from datetime import date
from unittest.mock import patch

from psycopg2 import errors as pg_errors

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import spm_appraisal_campaign, spm_job
from .common import SpmCommon

CAMPAIGN = "odoo.addons.spm_addon.models.spm_appraisal_campaign"


class JobsCommon(SpmCommon):
    """A campaign of teams A and B whose start runs in the background, one person a batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for rep in cls.reps:
            cls.env["hr.employee"].create({"name": rep.name, "user_id": rep.id})
        cls.campaign = cls.env["spm.appraisal.campaign"].create(
            {"name": "Q1", "template_id": cls.env.ref("spm_addon.spm_appraisal_template_sales").id,
             "date_from": date(2026, 1, 1), "date_to": date(2026, 3, 31),
             "team_ids": [Command.set((cls.team_a | cls.team_b).ids)]}
        )  # fmt: skip

    def _start_in_background(self):
        """Start as the administrator with 'a few thousand' lowered to 2 and batches of 1 person."""
        with patch(f"{CAMPAIGN}.BACKGROUND_ABOVE", 2), patch(f"{CAMPAIGN}.START_BATCH", 1):
            action = self.campaign.with_user(self.spm_admin).action_start()
        self.assertEqual(action["tag"], "display_notification")
        job = self.campaign.job_id
        self.assertEqual((job.state, job.user_id, self.campaign.state), ("queued", self.spm_admin, "running"))
        return job

    def _run(self, job, batches):
        with patch(f"{CAMPAIGN}.START_BATCH", 1):
            for _batch in range(batches):
                job._run_batch()


@tagged("post_install", "-at_install")
class TestBackgroundJobs(JobsCommon):
    """Long operations at scale run as background jobs: a batch at a time, with progress on the record,
    the user told at the end, and a crash in the middle followed by a rerun leaving exactly one result."""

    def test_start_runs_in_batches_with_progress_and_notifies(self):
        job = self._start_in_background()
        self.assertFalse(self.campaign.appraisal_ids)  # the button only queued the work
        self._run(job, 1)
        # 4 salespeople in teams A and B: one appraisal per batch, then the figures in one step (nothing
        # configured): 5 steps. Progress counts appraisals, then KPI lines (5 per appraisal), then
        # totals: 4 + 4 x 5 + 4 + 1 (ranks) = 29 to do
        self.assertEqual((job.done, job.total, job.state), (1, 29, "running"))
        self.assertEqual(len(self.campaign.appraisal_ids), 1)
        self.campaign.invalidate_recordset(["job_progress"])  # as the next read of the form would
        self.assertEqual(self.campaign.job_progress, 3.0)  # 1 of 29, in whole percents
        self._run(job, 3)
        self.assertEqual((job.done, job.total, job.state), (4, 29, "running"))
        self._run(job, 1)
        self.assertEqual((job.done, job.total, job.state), (29, 29, "done"))
        self.assertEqual(len(self.campaign.appraisal_ids), 4)
        self.assertTrue(self.campaign.compute_date)
        self.assertTrue(all(self.campaign.appraisal_ids.mapped("grade_id")))
        self.assertIn("is done", self.campaign.message_ids[0].body)
        self.assertIn(self.spm_admin.partner_id, self.campaign.message_ids[0].partner_ids)
        self.assertEqual(self.campaign.appraisal_ids.create_uid, self.spm_admin)  # the job runs as its owner

    def test_a_job_speaks_the_language_of_whoever_started_it(self):
        """The cron runs in its own language; the job's message reads in its owner's (zh_CN here)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self.spm_admin.lang = "zh_CN"
        job = self._start_in_background()
        self._run(job.with_context(lang="en_US"), 5)
        self.assertEqual(job.state, "done")
        body = self.campaign.message_ids[0].body
        self.assertIn("已完成", body)
        self.assertNotIn("is done", body)

    def test_crash_then_rerun_leaves_exactly_one_result(self):
        job = self._start_in_background()
        self._run(job, 1)
        schedule = spm_appraisal_campaign.SpmAppraisalCampaign._schedule_self_assessments
        with patch.object(
            spm_appraisal_campaign.SpmAppraisalCampaign,
            "_schedule_self_assessments",
            side_effect=RuntimeError("server killed"),
            autospec=True,
        ):
            self._run(job, 1)
        self.assertEqual(job.state, "failed")
        self.assertIn("server killed", job.error)
        self.assertIn("failed", self.campaign.message_ids[0].body)
        self.assertEqual(len(self.campaign.appraisal_ids), 1, "the failed batch left nothing behind")
        del schedule
        # the administrator resumes it: only what is missing is added
        with patch(f"{CAMPAIGN}.BACKGROUND_ABOVE", 2):
            self.campaign.with_user(self.spm_admin).action_compute()
        rerun = self.campaign.job_id
        self.assertNotEqual(rerun, job)
        self._run(rerun, 4)
        self.assertEqual(rerun.state, "done")
        appraisals = self.campaign.appraisal_ids
        self.assertEqual(len(appraisals), 4)
        self.assertEqual(len(appraisals.employee_id), 4, "exactly one appraisal per person")
        self_type = self.env.ref("spm_addon.mail_activity_type_spm_appraisal_self")
        for appraisal in appraisals:
            self.assertEqual(len(appraisal.activity_ids.filtered(lambda a: a.activity_type_id == self_type)), 1)

    def test_a_queued_job_is_not_queued_twice_and_jobs_are_the_servers(self):
        job = self._start_in_background()
        with patch(f"{CAMPAIGN}.BACKGROUND_ABOVE", 2):
            self.campaign.with_user(self.spm_admin).action_compute()
        self.assertEqual(self.campaign.job_id, job)
        with self.assertRaises(UserError):
            job.with_user(self.spm_admin).write({"state": "done"})
        with self.assertRaises(UserError):
            self.env["spm.job"].with_user(self.spm_admin).create(
                {"name": "x", "res_model": "res.users", "res_id": 1, "step": "unlink", "user_id": self.spm_admin.id,
                 "company_id": self.company.id}
            )  # fmt: skip
        # the owner follows their job; another salesperson does not see it
        self.assertEqual(self.env["spm.job"].with_user(self.spm_admin).search([]), job)
        self.assertFalse(self.env["spm.job"].with_user(self.rep1).search([]))

    def test_small_campaigns_start_at_once(self):
        self.assertIs(self.campaign.with_user(self.spm_admin).action_start(), True)
        self.assertEqual(len(self.campaign.appraisal_ids), 4)
        self.assertFalse(self.campaign.job_id)

    def test_close_runs_in_batches_and_awards_once(self):
        self.campaign.action_start()
        appraisals = self.campaign.appraisal_ids
        appraisals.action_submit_self()
        appraisals.line_ids.filtered(lambda line: line.kind == "criterion").write({"manager_rating": "3"})
        appraisals.action_submit_review()
        with patch(f"{CAMPAIGN}.BACKGROUND_ABOVE", 2):
            action = self.campaign.with_user(self.spm_admin).action_close()
        self.assertEqual(action["tag"], "display_notification")
        job = self.campaign.job_id
        self.assertEqual(self.campaign.state, "running")  # nothing is published by the button itself
        self._run_close(job, 2)
        self.assertEqual(len(appraisals.filtered("is_published")), 2)
        self.assertEqual((job.done, job.total, self.campaign.state), (2, 5, "running"))
        self._run_close(job, 3)
        self.assertEqual((job.state, self.campaign.state), ("done", "done"))
        self.assertTrue(all(appraisals.mapped("is_published")))
        champion = self.env.ref("spm_addon.spm_badge_champion")
        awarded = self.env["gamification.badge.user"].search_count([("badge_id", "=", champion.id)])
        self.assertTrue(awarded)
        for appraisal in appraisals:  # each employee told once
            self.assertEqual(len(appraisal.message_ids.filtered(lambda m: "published" in (m.body or ""))), 1)

    def _run_close(self, job, batches):
        with patch(f"{CAMPAIGN}.START_BATCH", 1):
            for _batch in range(batches):
                job._run_batch()


@tagged("post_install", "-at_install")
class TestJobFailures(JobsCommon):
    """A failed batch can be read (its traceback kept and logged) and retried from where it stopped; a
    concurrency error is tried again before the job fails; the same work queued twice is one job, also
    when two servers queue it at the same moment."""

    def _patch_schedule(self, side_effect):
        return patch.object(
            spm_appraisal_campaign.SpmAppraisalCampaign,
            "_schedule_self_assessments",
            side_effect=side_effect,
            autospec=True,
        )

    def test_failed_batch_keeps_its_traceback_and_is_retried_from_where_it_stopped(self):
        job = self._start_in_background()
        self._run(job, 1)
        with self._patch_schedule(RuntimeError("server killed")), self.assertLogs(spm_job.__name__, "ERROR") as logs:
            self._run(job, 1)
        self.assertEqual((job.state, job.done), ("failed", 1))
        self.assertIn("Traceback", logs.output[0])
        self.assertIn("server killed", job.error)
        self.assertIn("Traceback (most recent call last)", job.sudo().error_traceback)
        self.assertIn("RuntimeError: server killed", job.sudo().error_traceback)
        # only an administrator retries, whatever the client sends
        for user in (self.rep1, self.manager_a):
            with self.assertRaises(AccessError):
                job.with_user(user).with_context(spm_admin=True).action_retry()
        self.assertEqual(job.state, "failed")
        job.with_user(self.spm_admin).action_retry()
        self.assertEqual((job.state, job.done, job.error), ("queued", 1, False))
        self._run(job, 4)
        # 4 salespeople, one appraisal per batch: the first was done before the failure, 3 after it, then
        # the figures: the same job ends with exactly one appraisal per person
        self.assertEqual((job.state, job.done, job.total), ("done", 29, 29))
        self.assertEqual(len(self.campaign.appraisal_ids.employee_id), 4)
        self.assertEqual(len(self.campaign.appraisal_ids), 4)

    def test_concurrency_errors_are_tried_again_then_fail(self):
        job = self._start_in_background()
        conflict = pg_errors.SerializationFailure("could not serialize access due to concurrent update")
        with self._patch_schedule(conflict), mute_logger(spm_job.__name__):
            self._run(job, spm_job.MAX_RETRIES)
            # tried again at each call of the scheduled action, nothing half-written
            self.assertEqual((job.state, job.retries, job.done), ("running", spm_job.MAX_RETRIES, 0))
            self.assertFalse(self.campaign.appraisal_ids)
            self._run(job, 1)  # one more: the job fails, and says why
        self.assertEqual(job.state, "failed")
        self.assertIn("could not serialize", job.error)
        job.with_user(self.spm_admin).action_retry()
        self.assertEqual(job.retries, 0)
        self._run(job, 5)
        self.assertEqual((job.state, len(self.campaign.appraisal_ids)), ("done", 4))

    def test_same_work_queued_twice_is_one_job(self):
        job = self._start_in_background()
        Job = self.env["spm.job"].sudo()
        vals = {"name": "again", "res_model": job.res_model, "res_id": job.res_id, "step": "_job_close",
                "user_id": self.manager_a.id, "company_id": self.company.id}  # fmt: skip
        with self.assertRaises(pg_errors.UniqueViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            Job.create(vals)
        # a second server whose search came before the first one's insert: it gets the first one's job
        again = Job._queue(self.campaign, "again", "_job_start", 0, running=Job.browse())
        self.assertEqual(again, job)
        self.assertEqual(Job.search_count([("res_model", "=", job.res_model), ("res_id", "=", job.res_id)]), 1)
        # a finished job frees the place
        job.write({"state": "done"})
        self.assertNotEqual(Job._queue(self.campaign, "again", "_job_start", 0), job)
