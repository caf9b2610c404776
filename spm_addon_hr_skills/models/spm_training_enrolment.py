from odoo import models
from odoo.tools import html2plaintext


class SpmTrainingEnrolment(models.Model):
    _inherit = "spm.training.enrolment"

    def _complete(self, completion_date, score=0.0):
        """A completed training appears on the employee's resume, once, as Odoo's eLearning bridge does, and
        the skills its course teaches join the employee's skills."""
        result = super()._complete(completion_date, score)
        self._add_resume_lines()
        self._add_skills()
        return result

    def _add_skills(self):
        """Each skill of the course the employee does not have yet, at its type's default level (else its
        lowest): a level the employee has, set by their manager, is never lowered."""
        enrolments = self.sudo().filtered(
            lambda enrolment: enrolment.state == "done" and enrolment.employee_id and enrolment.course_id.skill_ids
        )
        EmployeeSkill = self.env["hr.employee.skill"].sudo()
        had = {
            (employee_skill.employee_id.id, employee_skill.skill_id.id)
            for employee_skill in EmployeeSkill.search(
                [
                    ("employee_id", "in", enrolments.employee_id.ids),
                    ("skill_id", "in", enrolments.course_id.skill_ids.ids),
                ]
            )
        }
        values = []
        for enrolment in enrolments:
            for skill in enrolment.course_id.skill_ids:
                levels = skill.skill_type_id.skill_level_ids.sorted("level_progress")
                level = levels.filtered("default_level")[:1] or levels[:1]
                key = (enrolment.employee_id.id, skill.id)
                if level and key not in had:
                    had.add(key)
                    values.append(
                        {
                            "employee_id": enrolment.employee_id.id,
                            "skill_type_id": skill.skill_type_id.id,
                            "skill_id": skill.id,
                            "skill_level_id": level.id,
                        }
                    )
        return EmployeeSkill.create(values)

    def _add_resume_lines(self):
        enrolments = self.sudo().filtered(lambda enrolment: enrolment.state == "done" and enrolment.employee_id)
        Line = self.env["hr.resume.line"].sudo()
        listed = Line.search([("spm_enrolment_id", "in", enrolments.ids)]).spm_enrolment_id
        line_type = self.env.ref("spm_addon_hr_skills.resume_type_spm_training", raise_if_not_found=False)
        return Line.create(
            [
                {
                    "employee_id": enrolment.employee_id.id,
                    "name": enrolment.course_id.name,
                    "date_start": enrolment.completion_date,
                    "date_end": enrolment.completion_date,
                    "description": html2plaintext(enrolment.course_id.description or ""),
                    "line_type_id": line_type.id if line_type else False,
                    "spm_enrolment_id": enrolment.id,
                }
                for enrolment in enrolments - listed
            ]
        )
