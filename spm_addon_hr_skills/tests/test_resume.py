from datetime import date

from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestResume(TransactionCase):
    """A completed training appears once on the employee's resume."""

    def test_completed_training_on_the_resume(self):
        rep = new_test_user(self.env, "rep_resume", groups="spm_addon.group_spm_user", name="Rep Resume")
        employee = self.env["hr.employee"].create({"name": "Rep Resume", "user_id": rep.id})
        course = self.env["spm.training.course"].create({"name": "Value Selling", "description": "<p>Ask first.</p>"})
        enrolment = self.env["spm.training.enrolment"].create(
            {"user_id": rep.id, "course_id": course.id, "date_enrolled": date(2026, 3, 1)}
        )
        self.assertFalse(employee.resume_line_ids.filtered("spm_enrolment_id"))
        enrolment.action_complete()
        line = employee.resume_line_ids.filtered("spm_enrolment_id")
        self.assertEqual((line.name, line.spm_enrolment_id), ("Value Selling", enrolment))
        self.assertEqual(line.line_type_id, self.env.ref("spm_addon_hr_skills.resume_type_spm_training"))
        self.assertEqual(line.date_start, enrolment.completion_date)
        self.assertIn("Ask first.", line.description)
        # completing again (a server rerun) lists it once
        enrolment._add_resume_lines()
        self.assertEqual(len(employee.resume_line_ids.filtered("spm_enrolment_id")), 1)
