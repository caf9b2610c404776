from datetime import date

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestResume(TransactionCase):
    """A completed training appears once on the employee's resume, and its course's skills among theirs."""

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

    def test_completed_training_adds_its_skills(self):
        """The course's skills join the employee's: at the default level where they lack one, never lowering
        a level their manager set, once however often the completion runs."""
        selling = self.env["hr.skill.type"].create(
            {
                "name": "Selling",
                "skill_ids": [Command.create({"name": "Negotiation"}), Command.create({"name": "Discovery"})],
                "skill_level_ids": [
                    Command.create({"name": "Expert", "level_progress": 100}),
                    Command.create({"name": "Beginner", "level_progress": 10}),
                    Command.create({"name": "Practised", "level_progress": 50, "default_level": True}),
                ],
            }
        )
        negotiation = selling.skill_ids.filtered(lambda skill: skill.name == "Negotiation")
        discovery = selling.skill_ids - negotiation
        expert = selling.skill_level_ids.filtered(lambda level: level.name == "Expert")
        rep = new_test_user(self.env, "rep_skills", groups="spm_addon.group_spm_user", name="Rep Skills")
        employee = self.env["hr.employee"].create(
            {
                "name": "Rep Skills",
                "user_id": rep.id,
                "employee_skill_ids": [
                    Command.create({"skill_type_id": selling.id, "skill_id": discovery.id, "skill_level_id": expert.id})
                ],
            }
        )
        course = self.env["spm.training.course"].create(
            {"name": "Deal Craft", "skill_ids": [Command.set((negotiation | discovery).ids)]}
        )
        enrolment = self.env["spm.training.enrolment"].create(
            {"user_id": rep.id, "course_id": course.id, "date_enrolled": date(2026, 3, 1)}
        )
        enrolment.action_complete()
        levels = {skill.skill_id.name: skill.skill_level_id.name for skill in employee.employee_skill_ids}
        self.assertEqual(levels, {"Negotiation": "Practised", "Discovery": "Expert"})
        enrolment._add_skills()
        self.assertEqual(len(employee.employee_skill_ids), 2)
