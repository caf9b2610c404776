from odoo import models
from odoo.tools import html2plaintext


class SpmTrainingEnrolment(models.Model):
    _inherit = "spm.training.enrolment"

    def _complete(self, completion_date, score=0.0):
        """A completed training appears on the employee's resume, once, as Odoo's eLearning bridge does."""
        result = super()._complete(completion_date, score)
        self._add_resume_lines()
        return result

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
