import io

import xlsxwriter

from odoo import fields, models

from ..tools import access, xlsx


class SpmTrainingEnrolment(models.Model):
    """The team's trainings as an xlsx workbook (the Export to Excel button of Enrolments)."""

    _inherit = "spm.training.enrolment"

    def action_export_xlsx(self):
        """The selected enrolments (or all the manager may read) as a workbook: their record rules apply."""
        access.require(self.env, "manager", self.env._("Only a manager exports the team's trainings."))
        enrolments = self or self.search([])
        return xlsx.download_action(enrolments, self.env._("Trainings.xlsx"), enrolments._export_xlsx())

    def _export_xlsx(self):
        """One row per enrolment (salesperson, team, course, status, dates, score), then totals: the
        number of enrolments, completed, completion (% of those not cancelled), the average score of
        the completed ones. Read as the user (their record rules); names in one read per model."""
        self.check_access("read")
        self.fetch(["user_id", "team_id", "course_id", "state", "date_enrolled", "due_date", "completion_date",
                    "score", "expiry_date"])  # fmt: skip
        states = dict(self._fields["state"]._description_selection(self.env))
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet(self.env._("Trainings")[:31])
        formats = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "head": book.add_format({"bold": True, "bg_color": "#714B67", "font_color": "#FFFFFF", "border": 1}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "late": book.add_format({"num_format": "yyyy-mm-dd", "font_color": "#C00000"}),
            "score": book.add_format({"num_format": '0.0" %"'}),
            "total": book.add_format({"bold": True, "top": 2}),
            "total_pct": book.add_format({"bold": True, "top": 2, "num_format": '0.0" %"'}),
        }
        today = fields.Date.context_today(self)
        sheet.write(0, 0, self.env._("Team Trainings"), formats["title"])
        sheet.write(1, 0, self.env._("As of %(date)s", date=today))
        headers = [
            self.env._("Salesperson"),
            self.env._("Sales Team"),
            self.env._("Course"),
            self.env._("Status"),
            self.env._("Enrolled"),
            self.env._("Due Date"),
            self.env._("Completed On"),
            self.env._("Score"),
            self.env._("Expires"),
        ]
        for col, header in enumerate(headers):
            sheet.write(3, col, header, formats["head"])
        to_date = fields.Datetime.to_datetime
        row = 4
        for enrolment in self.sorted(lambda e: (e.team_id.name or "", e.user_id.name or "", e.due_date or today)):
            sheet.write(row, 0, enrolment.user_id.sudo().name)
            sheet.write(row, 1, enrolment.team_id.sudo().name or "")
            sheet.write(row, 2, enrolment.course_id.name)
            sheet.write(row, 3, states[enrolment.state])
            for col, (day, late) in enumerate(
                ((enrolment.date_enrolled, False), (enrolment.due_date, enrolment.is_overdue),
                 (enrolment.completion_date, False), (False, False)), start=4
            ):  # fmt: skip
                if day:
                    sheet.write_datetime(row, col, to_date(day), formats["late" if late else "date"])
            if enrolment.state == "done":
                sheet.write_number(row, 7, enrolment.score, formats["score"])
            if enrolment.expiry_date:
                sheet.write_datetime(row, 8, to_date(enrolment.expiry_date), formats["date"])
            row += 1
        done = self.filtered(lambda e: e.state == "done")
        counted = self.filtered(lambda e: e.state != "cancelled")
        sheet.write(row, 0, self.env._("Total: %(count)s enrolments", count=len(self)), formats["total"])
        sheet.write(row, 3, self.env._("%(done)s completed", done=len(done)), formats["total"])
        sheet.write(row + 1, 0, self.env._("Completion (not cancelled)"), formats["total"])
        sheet.write_number(row + 1, 3, 100.0 * len(done) / len(counted) if counted else 0.0, formats["total_pct"])
        sheet.write(row + 2, 0, self.env._("Average score (completed)"), formats["total"])
        sheet.write_number(row + 2, 7, sum(done.mapped("score")) / len(done) if done else 0.0, formats["total_pct"])
        sheet.set_column(0, 2, 24)
        sheet.set_column(3, 8, 14)
        sheet.freeze_panes(4, 0)
        book.close()
        return output.getvalue()
