import io

import openpyxl

from odoo.tests import tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestQuotaExportImport(SpmCommon):
    """A whole cascade goes out to xlsx; quota lines come in through Odoo's import."""

    def test_export_cascade_xlsx(self):
        plan = self._plan(allocation_method="equal", time_split="quarter")
        plan.action_allocate()
        action = plan.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        rows = list(sheet.iter_rows(min_row=5, values_only=True))
        self.assertEqual(rows[0][0], self.company.name)
        self.assertEqual(rows[0][6], 1_200_000)
        self.assertEqual(rows[1][0].strip(), "Team A")
        self.assertEqual(rows[1][6], 400_000)
        self.assertEqual(rows[2][0].strip(), "Rep 1")
        self.assertEqual(rows[2][6], 200_000)
        self.assertEqual(rows[3][0].strip(), "2026 Q1")
        self.assertEqual(rows[3][6], 50_000)
        # 1 company + 3 teams + 5 reps + 20 quarters, then the total of the salespeople's targets
        self.assertEqual(len(rows), 1 + 3 + 5 + 20 + 1)
        self.assertEqual(rows[-1][0], "Total of the salespeople listed")
        self.assertTrue(str(rows[-1][6]).startswith("=SUMIF("))

    def test_import_lines_from_xlsx(self):
        plan = self._plan(allocation_method="manual", time_split="none", balance_mode="flag")
        plan.action_allocate()
        team_line = self._line(plan, level="team", team_id=self.team_a)
        rep_line = self._line(plan, level="user", user_id=self.rep1)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["id", "target", "capacity_weight"])
        for line, target in ((team_line, 500_000), (rep_line, 320_000)):
            sheet.append([line.get_external_id().get(line.id) or line._export_rows([["id"]])[0][0], target, 1.5])
        data = io.BytesIO()
        book.save(data)
        importer = self.env["base_import.import"].create(
            {
                "res_model": "spm.quota.line",
                "file": data.getvalue(),
                "file_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "file_name": "targets.xlsx",
            }
        )
        result = importer.execute_import(
            ["id", "target", "capacity_weight"],
            ["id", "target", "capacity_weight"],
            {"has_headers": True, "quoting": '"', "separator": ","},
        )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(team_line.target, 500_000)
        self.assertEqual(rep_line.target, 320_000)
        self.assertEqual(rep_line.capacity_weight, 1.5)
        # the plan flags imbalances: team A's split (320,000 + 0) is 180,000 short of its 500,000
        self.assertEqual(team_line.balance_gap, 320_000 - 500_000)
