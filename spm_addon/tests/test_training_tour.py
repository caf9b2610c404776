from datetime import date

from odoo.tests import HttpCase, tagged

from .test_training import TrainingCommon, TrainingNeedsCommon


@tagged("post_install", "-at_install")
class TestTrainingTour(HttpCase, TrainingNeedsCommon):
    """In the browser: from an appraisal gap to a completed training."""

    def test_from_an_appraisal_gap_to_a_completed_training(self):
        campaign = self._closed_campaign()
        need = self.env["spm.training.need"].search(
            [("appraisal_id.campaign_id", "=", campaign.id), ("kpi_id", "=", self.kpi_revenue.id)]
        )
        self.assertEqual((need.user_id, need.course_ids), (self.rep2, self.course_sales))
        self.start_tour(f"/odoo/action-spm_addon.spm_training_need_action/{need.id}", "spm_training_need_tour",
                        login="manager_a")  # fmt: skip
        enrolment = need.enrolment_ids
        self.assertEqual((need.state, enrolment.course_id, enrolment.due_date), ("accepted", self.course_sales,
                         date(2030, 12, 31)))  # fmt: skip
        self.start_tour(
            f"/odoo/action-spm_addon.spm_training_enrolment_action/{enrolment.id}",
            "spm_training_complete_tour",
            login="manager_a",
        )
        self.assertEqual((enrolment.state, enrolment.score, need.state), ("done", 85.0, "done"))


@tagged("post_install", "-at_install")
class TestTrainingPhoneTour(HttpCase, TrainingCommon):
    """My Training on a 390-px phone: the cards fit the screen, the enrolment opens, nothing to complete."""

    browser_size = "390x844"
    touch_enabled = True

    def test_my_training_on_a_phone(self):
        self.env["spm.training.enrolment"].create(
            {"user_id": self.rep1.id, "course_id": self.course_sales.id, "date_enrolled": date(2026, 3, 1),
             "due_date": date(2026, 4, 30)}
        )  # fmt: skip
        self.start_tour("/odoo/action-spm_addon.spm_training_enrolment_action_my", "spm_my_training_phone_tour",
                        login="rep1")  # fmt: skip
