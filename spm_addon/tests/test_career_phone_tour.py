from datetime import date

from odoo import Command
from odoo.tests import HttpCase, tagged

from .career_common import TODAY, CareerCommon


@tagged("post_install", "-at_install")
class TestCareerPhoneTour(HttpCase, CareerCommon):
    """On a 390-px phone a salesperson reads their development plan (goals, trainings, reviews) and
    their career readiness as cards: nothing in the sheet or the page scrolls sideways."""

    browser_size = "390x844"
    touch_enabled = True

    def test_salesperson_reads_plan_and_readiness(self):
        enrolment = self.env["spm.training.enrolment"].create(
            {"user_id": self.rep1.id, "course_id": self.course_sales.id, "date_enrolled": date(2026, 1, 5),
             "due_date": date(2026, 6, 30)}
        )  # fmt: skip
        plan = self.env[
            "spm.development.plan"
        ].create(
            {
                "name": "Towards Senior",
                "user_id": self.rep1.id,
                "target_level_id": self.senior.id,
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "enrolment_ids": [Command.set(enrolment.ids)],
                "goal_ids": [
                    Command.create(
                        {
                            "description": "Close 3 key accounts",
                            "due_date": date(2026, 6, 30),
                            "progress_comment": "Two signed, the third one is negotiating the volume.",
                        }
                    ),
                    Command.create({"description": "Coach a new hire", "due_date": date(2026, 9, 30)}),
                ],  # fmt: skip
                "review_ids": [
                    Command.create(
                        {
                            "date": date(2026, 3, 31),
                            "note": "Good start. Ask for a second key account "
                            "in the north region before the summer and prepare the account plans.",
                        }
                    ),
                ],  # fmt: skip
            }
        )
        plan.action_activate()
        rows = self.env["spm.career.readiness"]._refresh(self.emp[self.rep1] | self.emp[self.rep2], today=TODAY)
        self.assertEqual(len(rows), 6)  # 3 criteria of Senior for rep1 and rep2
        self.start_tour(
            f"/odoo/action-spm_addon.spm_development_plan_action/{plan.id}",
            "spm_phone_development_plan_tour",
            login="rep1",
        )
        self.start_tour("/odoo/action-spm_addon.spm_career_readiness_action", "spm_phone_readiness_tour", login="rep1")
