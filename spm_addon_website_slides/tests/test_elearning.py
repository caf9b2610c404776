from datetime import date

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestElearning(TransactionCase):
    """An eLearning course of the catalogue: enrolling makes a member, finishing every slide completes it."""

    def test_finishing_the_course_completes_the_training(self):
        rep = new_test_user(self.env, "rep_slides", groups="base.group_user,spm_addon.group_spm_user", name="Rep")
        channel = self.env["slide.channel"].create(
            {"name": "CRM Basics", "is_published": True,
             "slide_ids": [(0, 0, {"name": f"Lesson {i}", "slide_category": "article", "is_published": True,
                                   "html_content": "<p>Read me</p>"}) for i in (1, 2)]}
        )  # fmt: skip
        course = self.env["spm.training.course"].create(
            {"name": "CRM Basics", "kind": "elearning", "channel_id": channel.id}
        )
        enrolment = self.env["spm.training.enrolment"].create(
            {"user_id": rep.id, "course_id": course.id, "date_enrolled": date(2026, 1, 5)}
        )
        membership = channel.channel_partner_ids.filtered(lambda m: m.partner_id == rep.partner_id)
        self.assertTrue(membership, "enrolling makes the salesperson a member of the eLearning course")
        self.assertEqual((enrolment.channel_partner_id, enrolment.progress), (membership, 0))
        # one lesson of two: half way, not completed; both: completed, with 100 % as the score
        channel.slide_ids[0].with_user(rep)._action_mark_completed()
        self.assertEqual((enrolment.state, enrolment.progress), ("enrolled", 50))
        self.assertEqual(enrolment.with_user(rep).progress, 50, "the salesperson reads their own progress")
        with self.assertRaises(UserError):  # nobody points an enrolment at another membership over RPC
            enrolment.with_user(rep).write({"channel_partner_id": False})
        channel.slide_ids[1].with_user(rep)._action_mark_completed()
        self.assertEqual(membership.member_status, "completed")
        self.assertEqual((enrolment.state, enrolment.score), ("done", 100.0))
        self.assertTrue(enrolment.completion_date)
