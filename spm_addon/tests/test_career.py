from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..tools import bulk
from .career_common import TODAY, CareerCommon
from .nocode_common import NoCodeMixin

MIXIN = "odoo.addons.spm_addon.models.spm_job_mixin"
READINESS = "odoo.addons.spm_addon.models.spm_career_readiness"


@tagged("post_install", "-at_install")
class TestCareerReadiness(CareerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # appraisals, newest last: rep1 C (2025-09), B (2025-12), A (2026-03): the last two are B and A -> 2 of 2
        #                          rep2 A (2025-12), C (2026-03): the last two are A and C -> 1 of 2
        for rep, grades in ((cls.rep1, [("2025-09-30", "C"), ("2025-12-31", "B"), ("2026-03-31", "A")]),
                            (cls.rep2, [("2025-12-31", "A"), ("2026-03-31", "C")])):  # fmt: skip
            for day, grade in grades:
                cls._closed_appraisal(rep, date.fromisoformat(day), cls.grade[grade])
        # revenue in the last 2 complete months before 15 April (February, March):
        # rep1 12,000 and 15,000 -> both >= 10,000: 2 of 2; rep2 20,000 and 4,000 -> 1 of 2
        cls._order(cls.rep1, 12_000, date(2026, 2, 10))
        cls._order(cls.rep1, 15_000, date(2026, 3, 10))
        cls._order(cls.rep1, 1_000, date(2026, 4, 2))  # April is not complete: not counted
        cls._order(cls.rep2, 20_000, date(2026, 2, 10))
        cls._order(cls.rep2, 4_000, date(2026, 3, 10))
        # Working Together (valid 12 months): rep1 completed 2025-06-01 (expires 2026-06-01, valid on 15 April),
        # rep2 completed 2025-03-01 (expired 2026-03-01)
        cls._certify(cls.rep1, date(2025, 6, 1))
        cls._certify(cls.rep2, date(2025, 3, 1))
        Readiness = cls.env["spm.career.readiness"]
        cls.rows = Readiness._refresh(cls.emp[cls.rep1] | cls.emp[cls.rep2] | cls.boss_a, today=TODAY)

    def _row(self, rep, kind):
        return self.rows.filtered(lambda row: row.user_id == rep and row.kind == kind)

    def test_readiness_by_hand(self):
        # the boss has no level and the first level (Representative) has no criteria: no row for them
        self.assertEqual(set(self.rows.user_id), {self.rep1, self.rep2})
        self.assertEqual(len(self.rows), 6)  # two people x three criteria of Senior
        self.assertEqual(set(self.rows.level_id), {self.senior})
        expected = {
            # (rep, kind): (value, required, met)
            (self.rep1, "grade"): (2.0, 2.0, True),
            (self.rep1, "kpi"): (2.0, 2.0, True),
            (self.rep1, "certification"): (1.0, 1.0, True),
            (self.rep2, "grade"): (1.0, 2.0, False),
            (self.rep2, "kpi"): (1.0, 2.0, False),
            (self.rep2, "certification"): (0.0, 1.0, False),
        }
        for (rep, kind), (value, required, met) in expected.items():
            row = self._row(rep, kind)
            self.assertEqual((row.value, row.required, row.is_met), (value, required, met), (rep.name, kind))
        self.assertEqual(self._row(self.rep1, "grade").detail, "A, B")
        self.assertEqual(self._row(self.rep2, "grade").detail, "C, A")
        self.assertTrue(all(self.rows.filtered(lambda row: row.user_id == self.rep1).mapped("is_ready")))
        self.assertFalse(any(self.rows.filtered(lambda row: row.user_id == self.rep2).mapped("is_ready")))

    def test_monthly_values_by_hand(self):
        # the revenue KPI by person and month in one query, February to April (the orders above):
        # rep1 12,000 / 15,000 / 1,000, rep2 20,000 / 4,000 / none; the same as read month by month
        users = [self.rep1.id, self.rep2.id]
        values = self.kpi_revenue._read_monthly_values(users, date(2026, 2, 1), date(2026, 4, 30), self.company.ids)
        feb, mar, apr = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)
        self.assertEqual(
            values,
            {(self.rep1.id, feb): 12_000.0, (self.rep1.id, mar): 15_000.0, (self.rep1.id, apr): 1_000.0,
             (self.rep2.id, feb): 20_000.0, (self.rep2.id, mar): 4_000.0},
        )  # fmt: skip
        for first, last in ((feb, date(2026, 2, 28)), (mar, date(2026, 3, 31)), (apr, date(2026, 4, 30))):
            by_month = self.kpi_revenue._read_values(users, first, last, self.company.ids)
            expected = {user_id: values[user_id, first] for user_id in users if (user_id, first) in values}
            self.assertEqual(by_month, expected)

    def test_refresh_of_many_people_runs_in_the_background(self):
        """Above 'a few thousand' people (lowered to 2) the button queues a job per company and says so;
        the job refreshes them a batch at a time (lowered to 4 people) to the same figures."""
        Readiness = self.env["spm.career.readiness"]
        Employee = self.env["hr.employee"]
        people = Employee.search_count([("user_id", "!=", False), ("company_id", "=", self.company.id)])
        self.assertGreaterEqual(people, 6)  # the boss and the 5 salespeople (and the administrator's)
        with patch(f"{MIXIN}.BACKGROUND_ABOVE", 2):
            action = Readiness.with_user(self.spm_admin).action_refresh()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(f"{people} people", action["params"]["message"])
        job = self.env["spm.job"].search([("step", "=", "_spm_job_refresh_readiness")])
        self.assertEqual(
            (job.res_model, job.res_id, job.state, job.done, job.total, job.user_id),
            ("res.company", self.company.id, "queued", 0, people, self.spm_admin),
        )
        # asked again while queued: the same job, not a second one
        with patch(f"{MIXIN}.BACKGROUND_ABOVE", 2):
            Readiness.with_user(self.spm_admin).action_refresh()
        self.assertEqual(self.env["spm.job"].search([("step", "=", "_spm_job_refresh_readiness")]), job)
        Readiness.search([]).unlink()
        with patch(f"{READINESS}.REFRESH_JOB_BATCH", 4), freeze_time(TODAY):
            job._run_batch()
            self.assertEqual((job.done, job.total, job.state), (4, people, "running"))
            while job.state == "running":
                job._run_batch()
        self.assertEqual((job.done, job.state), (people, "done"))
        rows = Readiness.search([])
        self.assertEqual(
            {(row.user_id, row.kind): (row.value, row.is_met) for row in rows},
            {(self.rep1, "grade"): (2.0, True), (self.rep1, "kpi"): (2.0, True),
             (self.rep1, "certification"): (1.0, True), (self.rep2, "grade"): (1.0, False),
             (self.rep2, "kpi"): (1.0, False), (self.rep2, "certification"): (0.0, False)},
        )  # fmt: skip
        # the company has no chatter: the administrator is notified in their inbox
        message = self.env["mail.message"].search(
            [("model", "=", "res.company"), ("res_id", "=", self.company.id)], order="id desc", limit=1
        )
        self.assertIn("is done", message.body)
        self.assertIn(self.spm_admin.partner_id, message.partner_ids)

    def test_shares_per_team(self):
        # team A: criteria met 3 of 6 = 50 %; people ready 1 of 2 = 50 % (each person weighs 1/3 per row)
        [(team, met, ready)] = self.env["spm.career.readiness"]._read_group(
            [("id", "in", self.rows.ids)], ["team_id"], ["met_share:avg", "ready_share:avg"]
        )
        self.assertEqual(team, self.team_a)
        self.assertAlmostEqual(met, 50.0)
        self.assertAlmostEqual(ready, 50.0)

    def test_refresh_replaces_rows(self):
        # rep2 renews the certification: 2 of 3 criteria still unmet, not ready; rows replaced, not added
        self._certify(self.rep2, date(2026, 4, 1))
        rows = self.env["spm.career.readiness"]._refresh(self.emp[self.rep2], today=TODAY)
        self.assertEqual(len(rows), 3)
        self.assertTrue(rows.filtered(lambda row: row.kind == "certification").is_met)
        self.assertEqual(self.env["spm.career.readiness"].search_count([("user_id", "=", self.rep2.id)]), 3)
        self.assertFalse(rows[0].is_ready)

    def test_figures_in_the_language_of_the_person(self):
        """The stored figures read in the language of the person they are about: rep2 reads Chinese
        (their certification expired on 1 March: not certified), rep1 English (certified)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self.rep2.lang = "zh_CN"
        rows = self.env["spm.career.readiness"]._refresh(self.emp[self.rep1] | self.emp[self.rep2], today=TODAY)
        certification = {row.user_id: row.detail for row in rows.filtered(lambda row: row.kind == "certification")}
        self.assertEqual(certification, {self.rep1: "certified", self.rep2: "未认证"})

    def test_next_level_after_senior(self):
        # rep1 promoted to Senior aims at Team Leader, which has no criteria: no row
        self.emp[self.rep1].spm_career_level_id = self.senior
        rows = self.env["spm.career.readiness"]._refresh(self.emp[self.rep1], today=TODAY)
        self.assertFalse(rows)

    def test_access(self):
        Readiness = self.env["spm.career.readiness"]
        self.assertEqual(Readiness.with_user(self.rep1).search([]).user_id, self.rep1)
        self.assertEqual(set(Readiness.with_user(self.manager_a).search([]).user_id), {self.rep1, self.rep2})
        self.assertFalse(Readiness.with_user(self.manager_b).search([]))
        with self.assertRaises(AccessError):
            Readiness.with_user(self.rep1).action_refresh()
        with self.assertRaises(AccessError):
            self.rows[0].with_user(self.manager_a).write({"is_met": False})

    def test_manager_refresh_own_team_only(self):
        self.env["spm.career.readiness"].search([]).unlink()
        self.emp[self.rep3].spm_career_level_id = self.rep_level
        self.env["spm.career.readiness"].with_user(self.manager_a).with_context(date=TODAY).action_refresh()
        computed = self.env["spm.career.readiness"].search([])
        self.assertEqual(set(computed.user_id), {self.rep1, self.rep2})  # not rep3 of team B


@tagged("post_install", "-at_install")
class TestCareerLevelInput(CareerCommon):
    def test_criterion_count_below_one(self):
        with self.assertRefused(ValidationError, "at least 1 appraisal or month, not 0"):
            self.leader.criterion_ids = [Command.create({"kind": "grade", "grade_id": self.grade["A"].id, "count": 0})]
        self.assertFalse(self.env["spm.career.criterion"].search_count([("level_id", "=", self.leader.id)]))

    def test_criterion_needs_its_target(self):
        with self.assertRefused(ValidationError, "needs KPI"):
            self.leader.criterion_ids = [Command.create({"kind": "kpi", "count": 1})]

    def test_criterion_names(self):
        names = self.senior.criterion_ids.mapped("name")
        self.assertIn("Grade B or better in the last 2 closed appraisals", names)
        self.assertIn("Certified in Working Together", names)

    def test_levels_admin_only(self):
        with self.assertRaises(AccessError):
            self.env["spm.career.level"].with_user(self.manager_a).create({"name": "Director"})
        self.assertTrue(self.senior.with_user(self.rep1).criterion_ids)


@tagged("post_install", "-at_install")
class TestCareerReadinessConfigured(NoCodeMixin, CareerCommon):
    """The readiness rows are written in bulk; what an administrator configured on them still holds."""

    def test_plain_rows_take_the_fast_path(self):
        self.assertEqual(bulk.orm_reasons(self.env["spm.career.readiness"], [], create=True), [])

    def test_required_custom_field_with_default(self):
        self._custom_field("spm.career.readiness", "x_review_note", required=True, default="to discuss")
        self.assertTrue(bulk.orm_reasons(self.env["spm.career.readiness"], [], create=True))
        self._closed_appraisal(self.rep1, date(2026, 3, 31), self.grade["A"])
        rows = self.env["spm.career.readiness"]._refresh(self.emp[self.rep1] | self.emp[self.rep2], today=TODAY)
        self.assertEqual(len(rows), 6)  # did not fail on "a mandatory field is not set"
        self.assertEqual(set(rows.mapped("x_review_note")), {"to discuss"})
        grade = rows.filtered(lambda row: row.user_id == self.rep1 and row.kind == "grade")
        self.assertEqual((grade.value, grade.required, grade.detail), (1.0, 2.0, "A"))  # 1 of the last 2 needed
