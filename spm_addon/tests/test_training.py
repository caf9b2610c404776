from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SpmCommon


class TrainingCommon(SpmCommon):
    """Employees of the five salespeople (rep1 and rep2 report to manager_a), two courses of the catalogue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"]
        cls.boss_a = Employee.create({"name": "Mia Manager", "user_id": cls.manager_a.id})
        cls.emp = {}
        for rep in cls.reps:
            parent = cls.boss_a.id if rep in (cls.rep1, cls.rep2) else False
            cls.emp[rep] = Employee.create({"name": rep.name, "user_id": rep.id, "parent_id": parent})
        cls.kpi_revenue = cls.env.ref("spm_addon.spm_kpi_revenue_attainment")
        cls.criterion = cls.env.ref("spm_addon.spm_criterion_teamwork")
        Course = cls.env["spm.training.course"]
        cls.course_sales = Course.create({"name": "Value Selling", "kpi_ids": [Command.set(cls.kpi_revenue.ids)]})
        cls.course_team = Course.create(
            {"name": "Working Together", "criterion_ids": [Command.set(cls.criterion.ids)], "validity_months": 12}
        )


class TrainingNeedsCommon(TrainingCommon):
    """An appraisal template with a training threshold of 70 and a campaign of team A to close."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # quota 1,200,000 over three teams equally, by quarter: rep1's and rep2's Q1 = 400,000 / 2 / 4 = 50,000
        plan = cls._plan(allocation_method="equal", time_split="quarter")
        plan.action_allocate()
        plan.action_activate()
        cls.template = cls.env["spm.appraisal.template"].create(
            {
                "name": "Revenue 80 / teamwork 20",
                "training_threshold": 70,
                "line_ids": [
                    Command.create({"kind": "kpi", "kpi_id": cls.kpi_revenue.id, "weight": 80}),
                    Command.create(
                        {"kind": "criterion", "criterion_id": cls.criterion.id, "category": "behaviour", "weight": 20}
                    ),
                ],
            }
        )
        company2 = cls.env["res.company"].create({"name": "Other Company", "currency_id": cls.currency.id})
        cls.foreign_course = cls.env["spm.training.course"].create(
            {"name": "Elsewhere", "company_id": company2.id, "kpi_ids": [Command.set(cls.kpi_revenue.ids)]}
        )

    def _closed_campaign(self, closer=None):
        # rep1 sells 40,000 of 50,000: 80 % -> score 80, not below 70; rated 2 for teamwork: 40, below 70
        # rep2 sells 20,000 of 50,000: 40 % -> score 40, below 70; rated 4 for teamwork: 80, not below
        self._order(self.rep1, 40_000, date(2026, 2, 1))
        self._order(self.rep2, 20_000, date(2026, 2, 1))
        campaign = self.env["spm.appraisal.campaign"].create(
            {"name": "2026 Q1", "template_id": self.template.id, "date_from": date(2026, 1, 1),
             "date_to": date(2026, 3, 31), "team_ids": [Command.set(self.team_a.ids)]}
        )  # fmt: skip
        campaign.action_start()
        appraisals = campaign.appraisal_ids
        appraisals.action_submit_self()
        for appraisal in appraisals:
            rating = "2" if appraisal.user_id == self.rep1 else "4"
            appraisal.line_ids.filtered(lambda line: line.kind == "criterion").write({"manager_rating": rating})
        appraisals.action_submit_review()
        self.assertFalse(self.env["spm.training.need"].search_count([("appraisal_id", "in", appraisals.ids)]))
        (campaign.with_user(closer) if closer else campaign).action_close()
        return campaign


@tagged("post_install", "-at_install")
class TestTrainingNeeds(TrainingNeedsCommon):
    """An appraisal's gaps become training needs, once, with the courses that target them."""

    def test_needs_from_a_closed_appraisal(self):
        with freeze_time("2026-04-10"):
            campaign = self._closed_campaign()
        needs = self.env["spm.training.need"].search([("appraisal_id.campaign_id", "=", campaign.id)])
        # below 70 only: rep1's teamwork (40) and rep2's revenue (40)
        self.assertEqual(
            sorted((need.user_id.name, need.kpi_id.id or need.criterion_id.id, need.score) for need in needs),
            [("Rep 1", self.criterion.id, 40.0), ("Rep 2", self.kpi_revenue.id, 40.0)],
        )
        teamwork = needs.filtered("criterion_id")
        revenue = needs.filtered("kpi_id")
        # the courses of the company that target the line; not the other company's
        self.assertEqual(teamwork.course_ids, self.course_team)
        self.assertEqual(revenue.course_ids, self.course_sales)
        self.assertEqual(needs.mapped("state"), ["proposed", "proposed"])
        self.assertEqual(needs.manager_user_id, self.manager_a)
        self.assertEqual(set(needs.mapped("threshold")), {70.0})
        # proposed on 10 April, due 60 days later: 9 June
        self.assertEqual(set(needs.mapped("due_date")), {date(2026, 6, 9)})
        # the manager has one activity per need to decide
        self.assertEqual(
            sorted(needs.activity_ids.mapped(lambda a: (a.res_id, a.user_id.login))),
            sorted((need.id, "manager_a") for need in needs),
        )
        # a rerun creates nothing, and a second need for the same line is refused
        self.assertFalse(self.env["spm.training.need"]._create_from_appraisals(campaign.appraisal_ids))
        self.assertEqual(self.env["spm.training.need"].search_count([("id", "in", needs.ids)]), 2)
        with self.assertRefused(ValidationError, "already has a training need"):
            self.env["spm.training.need"].create(
                {"user_id": self.rep2.id, "appraisal_line_id": revenue.appraisal_line_id.id}
            )

    def test_needs_are_followed_by_the_manager_not_whoever_closed(self):
        campaign = self._closed_campaign(closer=self.spm_admin)
        needs = self.env["spm.training.need"].search([("appraisal_id.campaign_id", "=", campaign.id)])
        self.assertEqual(len(needs), 2)
        self.assertEqual(needs.message_partner_ids, self.manager_a.partner_id)
        # and a second close of the same appraisals (a rerun of the job) adds no need
        self.assertFalse(self.env["spm.training.need"]._create_from_appraisals(campaign.appraisal_ids))

    def test_no_needs_without_threshold(self):
        self.template.training_threshold = 0
        campaign = self._closed_campaign()
        self.assertFalse(self.env["spm.training.need"].search_count([("appraisal_id.campaign_id", "=", campaign.id)]))
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.template.training_threshold = -1

    def test_manager_accepts_dismisses_and_sets_due_date(self):
        with freeze_time("2026-04-10"):
            campaign = self._closed_campaign()
            needs = self.env["spm.training.need"].search([("appraisal_id.campaign_id", "=", campaign.id)])
            teamwork, revenue = needs.filtered("criterion_id"), needs.filtered("kpi_id")
            as_manager = teamwork.with_user(self.manager_a)
            # the due date cannot be before the need was proposed
            with self.assertRefused(ValidationError, "is before it was proposed"):
                as_manager.due_date = date(2026, 4, 1)
            as_manager.due_date = date(2026, 5, 31)
            # the salesperson reads their need but decides nothing
            with self.assertRaises(AccessError):
                teamwork.with_user(self.rep1).action_accept()
            with self.assertRaises(AccessError):
                teamwork.with_user(self.rep1).due_date = date(2026, 6, 30)
            # a manager of another team neither reads it nor accepts it
            self.assertFalse(teamwork.with_user(self.manager_b).has_access("read"))
            with self.assertRaises(AccessError):
                teamwork.with_user(self.manager_b).action_accept()
            # states are the buttons'
            with self.assertRefused(UserError, "use its buttons"):
                as_manager.state = "done"
            as_manager.action_accept()
            self.assertEqual(teamwork.state, "accepted")
            self.assertFalse(teamwork.activity_ids, "deciding closes the manager's activity")
            enrolment = teamwork.enrolment_ids
            self.assertEqual(
                (enrolment.user_id, enrolment.course_id, enrolment.due_date, enrolment.manager_user_id),
                (self.rep1, self.course_team, date(2026, 5, 31), self.manager_a),
            )
            with self.assertRefused(UserError, "Only a proposed training need"):
                as_manager.action_accept()
            # without a course, a need cannot be accepted
            revenue.with_user(self.manager_a).course_ids = [Command.clear()]
            with self.assertRefused(UserError, "Choose at least one course"):
                revenue.with_user(self.manager_a).action_accept()
            revenue.with_user(self.manager_a).action_dismiss()
            self.assertEqual(revenue.state, "dismissed")
            self.assertFalse(revenue.activity_ids)
            with self.assertRefused(UserError, "use its buttons"):
                revenue.with_user(self.manager_a).due_date = date(2026, 7, 1)
            # completing the enrolment completes the need
            enrolment.with_user(self.manager_a).write({"score": 85})
            enrolment.with_user(self.manager_a).action_complete()
        self.assertEqual((enrolment.state, enrolment.completion_date), ("done", date(2026, 4, 10)))
        self.assertEqual(teamwork.state, "done")
        # a 12-month validity: expires 10 April 2027
        self.assertEqual(enrolment.expiry_date, date(2027, 4, 10))


@tagged("post_install", "-at_install")
class TestTrainingEnrolment(TrainingCommon):
    """Enrolments: dates, scores, one open enrolment per course, who may do what, required trainings,
    certifications passed in Odoo's surveys."""

    def _enrol(self, user=None, **vals):
        return self.env["spm.training.enrolment"].create(
            {"user_id": (user or self.rep1).id, "course_id": self.course_sales.id,
             "date_enrolled": date(2026, 3, 1), **vals}
        )  # fmt: skip

    def test_team_and_manager_from_the_person(self):
        enrolment = self._enrol()
        self.assertEqual(enrolment.team_id, self.team_a)
        self.assertEqual(enrolment.manager_user_id, self.manager_a)  # the employee's manager
        self.assertEqual(enrolment.employee_id, self.emp[self.rep1])
        self.assertEqual(self._enrol(self.rep3).manager_user_id, self.manager_b)  # no manager: the team leader

    def test_bad_input_is_refused(self):
        with self.assertRefused(ValidationError, "is before the enrolment (2026-03-01)"):
            self._enrol(due_date=date(2026, 2, 1))
        with self.assertRefused(ValidationError, "before enrolling"):
            self._enrol(completion_date=date(2026, 2, 1))
        with self.assertRefused(ValidationError, "between 0 and 100"):
            self._enrol(score=120)
        self.assertFalse(self.env["spm.training.enrolment"].search_count([("user_id", "=", self.rep1.id)]))
        self._enrol()
        with self.assertRefused(ValidationError, "Rep 1 is already enrolled in Value Selling"):
            self._enrol()
        with self.assertRefused(ValidationError, "choose the certification survey"):
            self.env["spm.training.course"].create({"name": "Certified", "kind": "survey"})
        with self.assertRefused(ValidationError, "validity cannot be negative"):
            self.course_team.validity_months = -1

    def test_overdue(self):
        enrolment = self._enrol(due_date=date(2026, 3, 31))
        Enrolment = self.env["spm.training.enrolment"]
        with freeze_time("2026-04-01"):
            enrolment.invalidate_recordset(["is_overdue"])
            self.assertTrue(enrolment.is_overdue)
            self.assertEqual(Enrolment.search([("is_overdue", "=", True)]), enrolment)
            enrolment.action_complete()
            enrolment.invalidate_recordset(["is_overdue"])
            self.assertFalse(enrolment.is_overdue)
            self.assertFalse(Enrolment.search([("is_overdue", "=", True)]))

    def test_access_per_role(self):
        own, other = self._enrol(), self._enrol(self.rep3)
        # the salesperson reads their own, not a colleague's, and changes nothing
        self.assertTrue(own.with_user(self.rep1).has_access("read"))
        self.assertFalse(other.with_user(self.rep1).has_access("read"))
        self.assertEqual(
            self.env["spm.training.enrolment"].with_user(self.rep1).search([]), own, "My Training lists their own"
        )
        with self.assertRaises(AccessError):
            own.with_user(self.rep1).action_complete()
        with self.assertRaises(AccessError):
            own.with_user(self.rep1).score = 100
        # the manager completes their team's, not another team's
        with self.assertRaises(AccessError):
            other.with_user(self.manager_a).action_complete()
        with self.assertRefused(UserError, "use its buttons"):
            own.with_user(self.manager_a).state = "done"
        own.with_user(self.manager_a).action_complete()
        self.assertEqual(own.state, "done")
        # a completed enrolment changes by an administrator's hand only
        with self.assertRefused(UserError, "use its buttons"):
            own.with_user(self.manager_a).score = 10
        own.with_user(self.spm_admin).score = 10
        # the catalogue: everyone reads it, administrators edit it
        self.assertTrue(self.course_sales.with_user(self.rep1).has_access("read"))
        with self.assertRaises(AccessError):
            self.env["spm.training.course"].with_user(self.manager_a).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.course_sales.with_user(self.rep1).action_compute_effect()
        # finance has nobody's enrolment
        self.assertFalse(other.with_user(self.finance).has_access("read"))

    def test_required_training_for_new_members(self):
        course = self.course_team
        requirement = self.env["spm.training.requirement"].create(
            {"team_id": self.team_a.id, "course_id": course.id, "days": 60, "date_start": date(2000, 1, 1)}
        )
        self.assertIn("within 60 days of joining Team A", requirement.name)
        with self.assertRaises(AccessError):
            requirement.with_user(self.manager_a).action_apply()
        requirement.with_user(self.spm_admin).action_apply()
        enrolments = self.env["spm.training.enrolment"].search([("requirement_id", "=", requirement.id)])
        self.assertEqual(enrolments.user_id, self.rep1 | self.rep2)
        for enrolment in enrolments:
            member = self.team_a.crm_team_member_ids.filtered(lambda m, e=enrolment: m.user_id == e.user_id)
            joined = member.create_date.date()
            self.assertEqual((enrolment.date_enrolled, enrolment.due_date), (joined, joined + timedelta(days=60)))
        # again: nobody twice; a member who joined before the start date is not enrolled
        self.assertFalse(requirement._apply())
        requirement.date_start = fields.Date.today() + timedelta(days=1)
        enrolments.sudo().write({"state": "cancelled"})
        self.assertFalse(requirement._apply())
        with self.assertRefused(ValidationError, "at least 1 day after joining"):
            requirement.days = 0

    def test_certification_passed_in_a_survey(self):
        # one question; the best answer scores 5: answering 4 is 4 / 5 = 80 % (passed, at least 50 %),
        # answering 1 is 20 % (failed)
        survey = self.env["survey.survey"].create(
            {"title": "Product certification", "certification": True, "scoring_type": "scoring_with_answers",
             "scoring_success_min": 50,
             "question_and_page_ids": [Command.create(
                 {"title": "Which widget?", "question_type": "simple_choice",
                  "suggested_answer_ids": [Command.create({"value": f"Answer {score}", "answer_score": score})
                                           for score in (5, 4, 1)]})]}
        )  # fmt: skip
        question = survey.question_ids
        course = self.env["spm.training.course"].create(
            {"name": "Product certification", "kind": "survey", "survey_id": survey.id, "validity_months": 24}
        )
        enrolment = self._enrol(course_id=course.id)
        failed = self._enrol(self.rep3, course_id=course.id)

        def answer(user, score):
            chosen = question.suggested_answer_ids.filtered(lambda a: a.answer_score == score)
            return self.env["survey.user_input"].create(
                {"survey_id": survey.id, "partner_id": user.partner_id.id, "state": "done",
                 "end_datetime": "2026-03-20 09:00:00", "predefined_question_ids": [Command.set(question.ids)],
                 "user_input_line_ids": [Command.create(
                     {"question_id": question.id, "answer_type": "suggestion", "suggested_answer_id": chosen.id})]}
            )  # fmt: skip

        self.assertEqual((answer(self.rep1, 4).scoring_percentage, answer(self.rep3, 1).scoring_success), (80, False))
        self.env["spm.training.enrolment"]._cron_sync_certifications()
        self.assertEqual((enrolment.state, enrolment.completion_date, enrolment.score), ("done", date(2026, 3, 20), 80))
        self.assertEqual(enrolment.expiry_date, date(2028, 3, 20))  # 24 months of validity
        self.assertEqual(failed.state, "enrolled")


@tagged("post_install", "-at_install")
class TestTrainingTracking(TrainingCommon):
    """Reminders of overdue and expiring trainings, completion rates by group, training as a KPI."""

    def _enrol(self, user, course, **vals):
        return self.env["spm.training.enrolment"].create(
            {"user_id": user.id, "course_id": course.id, "date_enrolled": date(2026, 1, 5), **vals}
        )

    def test_one_reminder_each_for_the_person_and_the_manager(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self.manager_a.lang = "zh_CN"
        overdue = self._enrol(self.rep1, self.course_sales, due_date=date(2026, 3, 31))
        self._enrol(self.rep2, self.course_sales, due_date=date(2026, 6, 30))  # not due yet
        # a 12-month certification completed 20 April 2025 expires 20 April 2026: within 30 days of 1 April
        expiring = self._enrol(self.rep3, self.course_team, date_enrolled=date(2025, 4, 1))
        expiring._complete(date(2025, 4, 20), 90)
        renewed = self._enrol(self.rep4, self.course_team, date_enrolled=date(2025, 4, 1))
        renewed._complete(date(2025, 4, 20), 90)
        self._enrol(self.rep4, self.course_team, date_enrolled=date(2026, 3, 1))  # already retaking it
        Activity = self.env["mail.activity"]
        with freeze_time("2026-04-01"):
            activities = self.env["spm.training.enrolment"]._cron_remind()
            self.assertEqual(
                sorted((activity.res_id, activity.user_id.login) for activity in activities),
                sorted([(overdue.id, "rep1"), (overdue.id, "manager_a"), (expiring.id, "rep3"),
                        (expiring.id, "manager_b")]),
            )  # fmt: skip
            # each reads it in their language, the date as they write it: rep1 English, their manager Chinese
            summaries = {a.user_id: a.summary for a in activities.filtered(lambda a: a.res_id == overdue.id)}
            self.assertIn("was due on 03/31/2026", summaries[self.rep1])
            self.assertIn("已于 2026年03月31日 到期未完成", summaries[self.manager_a])
            # a rerun adds nothing
            self.assertFalse(self.env["spm.training.enrolment"]._cron_remind())
            # the salesperson may mark their own reminder done (they only read the enrolment)
            own = activities.filtered(lambda a: a.user_id == self.rep1)
            own.with_user(self.rep1).action_feedback(feedback="Booked for next week")
            self.assertFalse(own.exists())
        domain = [("res_model", "=", "spm.training.enrolment")]
        self.assertEqual(Activity.search_count(domain), 3)

    def test_completion_rate_of_a_group_is_completed_over_enrolled(self):
        # Team A: rep1 completed, rep2 open; Team B: rep3 completed, rep4 completed, rep4's other cancelled
        self._enrol(self.rep1, self.course_sales)._complete(date(2026, 2, 1))
        self._enrol(self.rep2, self.course_sales)
        self._enrol(self.rep3, self.course_sales)._complete(date(2026, 2, 1))
        self._enrol(self.rep4, self.course_team)._complete(date(2026, 2, 1))
        self._enrol(self.rep4, self.course_sales).action_cancel()
        groups = self.env["spm.training.enrolment"]._read_group([], ["team_id"], ["completion_rate:avg", "__count"])
        rates = {team.name: (rate, count) for team, rate, count in groups}
        # Team A: 1 of 2 = 50 %; Team B: 2 completed of 2 not cancelled = 100 % (3 rows)
        self.assertEqual(rates["Team A"], (50.0, 2))
        self.assertEqual(rates["Team B"], (100.0, 3))
        # the course: rep1 and rep3 completed, rep2 open (rep4's cancelled does not count): 2 of 3
        self.assertAlmostEqual(self.course_sales.completion_rate, 66.7, places=1)
        self.assertEqual(self.course_sales.enrolment_count, 3)

    def test_required_trainings_on_time_as_a_kpi(self):
        requirement = self.env["spm.training.requirement"].create(
            {"team_id": self.team_a.id, "course_id": self.course_sales.id, "date_start": date(2000, 1, 1)}
        )
        # rep1: two required trainings due in March 2026, one completed on time, one late
        on_time = self._enrol(self.rep1, self.course_sales, due_date=date(2026, 3, 10), requirement_id=requirement.id)
        on_time._complete(date(2026, 3, 9))
        late = self._enrol(self.rep1, self.course_team, due_date=date(2026, 3, 20), requirement_id=requirement.id)
        late._complete(date(2026, 3, 25))
        self.assertEqual((on_time.is_on_time, late.is_on_time), (True, False))
        kpi = self.env.ref("spm_addon.spm_kpi_training_on_time")
        self.assertEqual(kpi.category, "behaviour")
        # 1 on time of 2 due = 50 %
        values = kpi._read_values(self.rep1.ids, date(2026, 3, 1), date(2026, 3, 31), self.company.ids)
        self.assertEqual(values, {self.rep1.id: 50.0})


@tagged("post_install", "-at_install")
class TestJobRequirement(TrainingCommon):
    """A required training per job position (hr.job on the employee), enrolled daily, never twice."""

    def test_required_training_for_a_job_position(self):
        job = self.env["hr.job"].create({"name": "Key Account Manager"})
        (self.emp[self.rep1] | self.emp[self.rep3]).job_id = job  # rep1 of team A, rep3 of team B
        requirement = self.env["spm.training.requirement"].create(
            {"scope": "job", "job_id": job.id, "course_id": self.course_sales.id, "days": 30,
             "date_start": date(2000, 1, 1)}
        )  # fmt: skip
        self.assertEqual(requirement.name, "Value Selling within 30 days for each Key Account Manager")
        self.env["spm.training.requirement"]._cron_apply()
        enrolments = self.env["spm.training.enrolment"].search([("requirement_id", "=", requirement.id)])
        self.assertEqual(enrolments.user_id, self.rep1 | self.rep3)
        for enrolment in enrolments:
            joined = self.emp[enrolment.user_id].create_date.date()
            self.assertEqual((enrolment.date_enrolled, enrolment.due_date), (joined, joined + timedelta(days=30)))
            self.assertEqual(enrolment.team_id, enrolment.user_id.sale_team_id)  # each one's own team
        # the next day's run enrols nobody twice; a completed, valid course counts as taken
        self.assertFalse(requirement._apply())
        enrolments.filtered(lambda e: e.user_id == self.rep1)._complete(fields.Date.today(), 80)
        self.assertFalse(requirement._apply())
        # a job position's requirement and a team's for the same course enrol rep1 once
        team_requirement = self.env["spm.training.requirement"].create(
            {"team_id": self.team_a.id, "course_id": self.course_team.id, "date_start": date(2000, 1, 1)}
        )
        job_requirement = requirement.copy({"course_id": self.course_team.id})
        created = (team_requirement | job_requirement)._apply()
        self.assertEqual(sorted(created.user_id.mapped("name")), ["Rep 1", "Rep 2", "Rep 3"])
        # employees who joined before the start date are not concerned
        requirement.date_start = fields.Date.today() + timedelta(days=1)
        self.assertFalse(requirement._joiners())

    def test_scope_needs_its_target(self):
        with self.assertRefused(ValidationError, "needs its job position"):
            self.env["spm.training.requirement"].create({"scope": "job", "course_id": self.course_sales.id})
        with self.assertRefused(ValidationError, "needs its team"):
            self.env["spm.training.requirement"].create({"scope": "team", "course_id": self.course_sales.id})
