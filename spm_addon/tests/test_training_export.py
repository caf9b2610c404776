import io
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_training import TrainingCommon


@tagged("post_install", "-at_install")
class TestTrainingExport(TrainingCommon):
    def _book(self, action):
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        return openpyxl.load_workbook(io.BytesIO(attachment.raw)).active

    @freeze_time("2026-04-15")
    def test_manager_exports_own_team(self):
        Enrolment = self.env["spm.training.enrolment"]
        # team A: rep1 completed Value Selling with 80 and Working Together with 90 (valid 12 months),
        # rep2 enrolled in Value Selling due 2026-04-01 (overdue), rep2 cancelled Working Together
        done1 = Enrolment.create({"user_id": self.rep1.id, "course_id": self.course_sales.id,
                                  "date_enrolled": date(2026, 1, 5)})  # fmt: skip
        done1._complete(date(2026, 2, 1), 80)
        done2 = Enrolment.create({"user_id": self.rep1.id, "course_id": self.course_team.id,
                                  "date_enrolled": date(2026, 1, 5)})  # fmt: skip
        done2._complete(date(2026, 3, 1), 90)
        Enrolment.create({"user_id": self.rep2.id, "course_id": self.course_sales.id,
                          "date_enrolled": date(2026, 3, 1), "due_date": date(2026, 4, 1)})  # fmt: skip
        Enrolment.create({"user_id": self.rep2.id, "course_id": self.course_team.id}).action_cancel()
        # team B: rep3's enrolment is not manager_a's to see
        Enrolment.create({"user_id": self.rep3.id, "course_id": self.course_sales.id})
        sheet = self._book(Enrolment.with_user(self.manager_a).action_export_xlsx())
        rows = list(sheet.iter_rows(min_row=5, values_only=True))
        people = [row[0] for row in rows[:-3]]
        self.assertEqual(sorted(people), ["Rep 1", "Rep 1", "Rep 2", "Rep 2"])  # not Rep 3
        by_key = {(row[0], row[2]): row for row in rows[:-3]}
        rep1_team = by_key[("Rep 1", "Working Together")]
        self.assertEqual(rep1_team[1], "Team A")
        self.assertEqual(rep1_team[3], "Completed")
        self.assertEqual(rep1_team[6], datetime(2026, 3, 1))
        self.assertEqual(rep1_team[7], 90.0)
        self.assertEqual(rep1_team[8], datetime(2027, 3, 1))  # 12 months of validity
        overdue = by_key[("Rep 2", "Value Selling")]
        self.assertEqual((overdue[3], overdue[5], overdue[7]), ("Enrolled", datetime(2026, 4, 1), None))
        # totals: 4 enrolments, 2 completed; completion 2 / 3 not cancelled = 66.7 %; score (80 + 90) / 2 = 85
        total, completion, score = rows[-3:]
        self.assertEqual((total[0], total[3]), ("Total: 4 enrolments", "2 completed"))
        self.assertAlmostEqual(completion[3], 200 / 3)
        self.assertEqual(score[7], 85.0)
        self.assertEqual(sheet.cell(5, 5).number_format, "yyyy-mm-dd")
        self.assertEqual(sheet.cell(4, 1).value, "Salesperson")

    def test_salesperson_cannot_export(self):
        with self.assertRaises(AccessError):
            self.env["spm.training.enrolment"].with_user(self.rep1).action_export_xlsx()
