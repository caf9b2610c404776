from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .career_common import CareerCommon


@tagged("post_install", "-at_install")
class TestDevelopmentPlan(CareerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enrolment = cls.env["spm.training.enrolment"].create(
            {"user_id": cls.rep1.id, "course_id": cls.course_sales.id, "date_enrolled": date(2026, 1, 5)}
        )
        cls.plan = cls.env["spm.development.plan"].create(
            {
                "name": "Towards Senior",
                "user_id": cls.rep1.id,
                "target_level_id": cls.senior.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "enrolment_ids": [Command.set(cls.enrolment.ids)],
                "goal_ids": [
                    Command.create({"description": "Close 3 key accounts", "due_date": date(2026, 6, 30)}),
                    Command.create({"description": "Coach a new hire", "due_date": date(2026, 9, 30)}),
                ],
                "review_ids": [
                    Command.create({"date": date(2026, 3, 31)}),
                    Command.create({"date": date(2026, 6, 30)}),
                ],
            }
        )
        cls.plan.action_activate()
        cls.other_plan = cls.env["spm.development.plan"].create(
            {"name": "Rep 3", "user_id": cls.rep3.id, "date_start": date(2026, 1, 1)}
        )

    def test_defaults_and_progress(self):
        self.assertEqual(self.plan.manager_user_id, self.manager_a)  # rep1's employee reports to manager_a
        self.assertEqual(self.plan.team_id, self.team_a)
        self.assertEqual(self.plan.current_level_id, self.rep_level)
        # one goal of two done: 50 %
        self.plan.goal_ids[0].state = "done"
        self.assertEqual((self.plan.goal_count, self.plan.goal_done_count, self.plan.progress), (2, 1, 50.0))

    def test_review_activity_once(self):
        Activity = self.env["mail.activity"]
        domain = [("res_model", "=", "spm.development.plan"), ("res_id", "=", self.plan.id)]
        with freeze_time("2026-03-30"):  # before the first review: nothing
            self.assertFalse(self.env["spm.development.plan"]._cron_review_activities())
        with freeze_time("2026-03-31"):
            created = self.env["spm.development.plan"]._cron_review_activities()
            self.assertEqual(len(created), 1)
            self.assertEqual(created.user_id, self.manager_a)
            self.assertEqual(created.date_deadline, date(2026, 3, 31))
            self.assertFalse(self.env["spm.development.plan"]._cron_review_activities())  # never twice
        created.action_done()  # even once the activity is done, the same review is not scheduled again
        with freeze_time("2026-04-15"):
            self.assertFalse(self.env["spm.development.plan"]._cron_review_activities())
        # the second review date: the manager reads Chinese, the activity says it in Chinese
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self.manager_a.lang = "zh_CN"
        with freeze_time("2026-07-01"):
            created = self.env["spm.development.plan"]._cron_review_activities()
            self.assertEqual(len(created), 1)
            self.assertEqual(created.summary, f"回顾 {self.rep1.name} 的职业发展规划（2026-06-30）")
        self.assertEqual(Activity.search_count(domain), 1)  # the first was done, the second is open
        self.assertEqual(self.plan.review_ids.mapped("is_scheduled"), [True, True])

    def test_draft_plan_no_activity(self):
        self.other_plan.review_ids = [Command.create({"date": date(2026, 2, 1)})]
        with freeze_time("2026-03-01"):
            self.env["spm.development.plan"]._cron_review_activities()
        self.assertFalse(self.other_plan.review_ids.is_scheduled)

    def test_bad_input(self):
        with self.assertRefused(ValidationError, "before the plan starts"):
            self.plan.review_ids = [Command.create({"date": date(2025, 12, 31)})]
        self.assertEqual(self.env["spm.development.review"].search_count([("plan_id", "=", self.plan.id)]), 2)
        with self.assertRefused(ValidationError, "before the plan starts"):
            self.plan.date_start = date(2026, 4, 1)  # the March review would come before it
        with self.assertRefused(ValidationError, "ends (2025-06-01) before it starts"):
            self.plan.date_end = date(2025, 6, 1)
        with self.assertRefused(ValidationError, "must be above their current level Sales Representative"):
            self.plan.target_level_id = self.rep_level
        with self.assertRefused(ValidationError, "is due (2025-01-01) before its plan starts"):
            self.plan.goal_ids[0].due_date = date(2025, 1, 1)
        with self.assertRaises(UserError):
            self.plan.with_user(self.manager_a).write({"state": "done"})

    def test_person_reads_and_comments(self):
        plan = self.plan.with_user(self.rep1)
        self.assertEqual(plan.name, "Towards Senior")
        goal = plan.goal_ids[0]
        goal.progress_comment = "Two of three signed"
        self.assertEqual(self.plan.goal_ids[0].progress_comment, "Two of three signed")
        with self.assertRefused(UserError, "only write the progress"):
            goal.state = "done"
        with self.assertRefused(UserError, "only write the progress"):
            goal.description = "Nothing"
        with self.assertRaises(AccessError):
            plan.name = "Mine now"
        with self.assertRaises(AccessError):
            plan.review_ids = [Command.create({"date": date(2026, 5, 1)})]
        with self.assertRaises(AccessError):
            self.other_plan.with_user(self.rep1).read(["name"])
        with self.assertRaises(AccessError):
            plan.action_done()

    def test_manager_edits_own_team(self):
        plan = self.plan.with_user(self.manager_a)
        plan.goal_ids = [Command.create({"description": "Lead a demo day", "due_date": date(2026, 10, 1)})]
        plan.goal_ids[0].state = "progress"
        plan.action_done()
        self.assertEqual(self.plan.state, "done")
        self.assertEqual(len(self.plan.goal_ids), 3)
        with self.assertRaises(AccessError):
            self.other_plan.with_user(self.manager_a).read(["name"])
        with self.assertRaises(AccessError):
            self.plan.with_user(self.manager_b).write({"name": "x"})
        own = (
            self.env["spm.development.plan"]
            .with_user(self.manager_a)
            .create({"name": "Rep 2", "user_id": self.rep2.id, "date_start": date(2026, 1, 1)})
        )
        self.assertEqual(own.manager_user_id, self.manager_a)

    def test_admin_sees_all(self):
        plans = self.env["spm.development.plan"].with_user(self.spm_admin).search([])
        self.assertLessEqual(self.plan | self.other_plan, plans)
