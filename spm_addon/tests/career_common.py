from datetime import date

from odoo import Command

from .test_training import TrainingCommon


class CareerCommon(TrainingCommon):
    """A promotion path Representative > Senior > Team Leader; rep1 and rep2 are Representatives aiming
    at Senior, whose three criteria are: grade B or better in the last 2 closed appraisals, revenue at
    least 10,000 in each of the last 2 months, certified in Working Together (valid 12 months)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Level = cls.env["spm.career.level"]
        cls.template = cls.env["spm.appraisal.template"].create(
            {
                "name": "Grades A/B/C",
                "line_ids": [Command.create({"kind": "kpi", "kpi_id": cls.kpi_revenue.id, "weight": 100})],
                "grade_ids": [
                    Command.clear(),
                    Command.create({"name": "A", "min_score": 90}),
                    Command.create({"name": "B", "min_score": 70}),
                    Command.create({"name": "C", "min_score": 0}),
                ],
            }
        )
        cls.grade = {grade.name: grade for grade in cls.template.grade_ids}
        cls.rep_level = Level.create({"name": "Sales Representative", "sequence": 1})
        cls.senior = Level.create(
            {
                "name": "Senior Sales Representative",
                "sequence": 2,
                "criterion_ids": [
                    Command.create({"kind": "grade", "grade_id": cls.grade["B"].id, "count": 2}),
                    Command.create({"kind": "kpi", "kpi_id": cls.kpi_revenue.id, "min_value": 10_000, "count": 2}),
                    Command.create({"kind": "certification", "course_id": cls.course_team.id}),
                ],
            }
        )
        cls.leader = Level.create({"name": "Team Leader", "sequence": 3})
        for rep in (cls.rep1, cls.rep2):
            cls.emp[rep].spm_career_level_id = cls.rep_level

    @classmethod
    def _closed_appraisal(cls, rep, date_to, grade):
        """A closed appraisal of ``rep`` for a campaign ending ``date_to`` with the final ``grade``."""
        campaign = cls.env["spm.appraisal.campaign"].create(
            {"name": f"Campaign {date_to}", "template_id": cls.template.id, "date_from": date_to.replace(day=1),
             "date_to": date_to, "state": "done"}
        )  # fmt: skip
        return cls.env["spm.appraisal"].create(
            {"campaign_id": campaign.id, "employee_id": cls.emp[rep].id, "user_id": rep.id,
             "team_id": rep.sale_team_id.id, "state": "done", "grade_id": grade.id}
        )  # fmt: skip

    @classmethod
    def _certify(cls, rep, completed):
        enrolment = cls.env["spm.training.enrolment"].create(
            {"user_id": rep.id, "course_id": cls.course_team.id, "date_enrolled": completed}
        )
        enrolment._complete(completed, 90)
        return enrolment


TODAY = date(2026, 4, 15)
