from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .career_common import TODAY, CareerCommon


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
