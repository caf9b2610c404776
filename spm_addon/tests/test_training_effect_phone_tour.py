from datetime import date

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .effect_common import TrainingEffectCommon


@tagged("post_install", "-at_install")
class TestTrainingEffectPhoneTour(HttpCase, TrainingEffectCommon):
    """On a 390-px phone a manager reads a course's measured effect: one card per KPI, then one card per
    trained person, nothing in the sheet or the page scrolling sideways."""

    browser_size = "390x844"
    touch_enabled = True

    def test_manager_reads_the_effect(self):
        self._enrol(self.rep1, date(2026, 4, 1))
        self._enrol(self.rep2, date(2026, 4, 1))
        with freeze_time("2026-06-01"):
            self.course.with_user(self.manager_a).action_compute_effect()
        self.assertEqual(self.course.effect_ids.verdict, "improved")
        self.assertEqual(len(self.course.effect_ids.with_user(self.manager_a).person_ids), 2)
        self.start_tour(
            f"/odoo/action-spm_addon.spm_training_course_action/{self.course.id}",
            "spm_phone_training_effect_tour",
            login="manager_a",
        )
