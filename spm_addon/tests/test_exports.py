import io
from datetime import date
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SpmCommon
from .test_payout_access import PayoutWorld

MIXIN = "odoo.addons.spm_addon.models.spm_job_mixin"
RUN = "odoo.addons.spm_addon.models.spm_payout_run"


def _workbook(raw):
    return openpyxl.load_workbook(io.BytesIO(raw))


class ExportJobMixin:
    def _export_job(self, record, user):
        """Click Export as ``user`` on ``record`` with 'large' lowered to 3 rows: the button answers at
        once and queues the workbook; returns the job."""
        with patch(f"{MIXIN}.EXPORT_BACKGROUND_ABOVE", 3):
            action = record.with_user(user).action_export_xlsx()
        self.assertEqual(action["tag"], "display_notification")
        job = self.env["spm.job"].search([("res_model", "=", record._name), ("res_id", "=", record.id)], limit=1)
        self.assertEqual((job.step, job.user_id, job.state), ("_job_export_xlsx", user, "queued"))
        self.assertFalse(record.job_id, "an export is no work on the record: its progress does not show there")
        with patch(f"{MIXIN}.EXPORT_BACKGROUND_ABOVE", 3):
            record.with_user(user).action_export_xlsx()
        self.assertEqual(self.env["spm.job"].search_count([("step", "=", "_job_export_xlsx")]), 1, "queued once")
        job._run_batch()
        self.assertEqual(job.state, "done")
        return job


@tagged("post_install", "-at_install")
class TestQuotaExportInBackground(ExportJobMixin, SpmCommon):
    """A large cascade is exported in the background, with the rights of whoever asked for it, and
    handed over to them alone."""

    def test_manager_export_in_background(self):
        plan = self._plan(allocation_method="equal", time_split="quarter")
        plan.action_allocate()
        job = self._export_job(plan, self.manager_a)
        attachment = job.attachment_id
        self.assertEqual((attachment.res_model, attachment.res_id), ("spm.job", job.id))
        rows = list(_workbook(attachment.raw).active.iter_rows(values_only=True))
        # what the manager may read, not what the job's superuser could: the company line, team A,
        # rep1 and rep2 with their four quarters each
        self.assertEqual(rows[2][0], "Covers the teams you lead: Team A")
        names = [row[0].strip() for row in rows[4:-1]]
        self.assertEqual(names[:3], [self.company.name, "Team A", "Rep 1"])
        self.assertEqual(len(names), 1 + 1 + 2 * 5)
        self.assertNotIn("Rep 3", names)
        # team A's target: 1,200,000 / 3 teams; the total of rep1 and rep2: 2 x 200,000
        self.assertEqual(rows[5][6], 400_000)
        self.assertEqual(rows[-1][6], '=SUMIF(B5:B16,"Salesperson",G5:G16)')
        # the file is theirs (and the administrators'), nobody else's
        self.assertTrue(attachment.with_user(self.manager_a).raw)
        self.assertTrue(attachment.with_user(self.spm_admin).raw)
        for user in (self.manager_b, self.rep1):
            with self.assertRaises(AccessError):
                attachment.with_user(user).read(["raw"])
        # told privately, with the link: nothing in the plan's chatter
        note = self.env["mail.message"].search(
            [("model", "=", "spm.quota.plan"), ("res_id", "=", plan.id), ("message_type", "=", "user_notification")]
        )
        self.assertEqual(note.partner_ids, self.manager_a.partner_id)
        self.assertIn(f"/web/content/{attachment.id}?download=true", note.body)
        self.assertNotIn(note, plan.message_ids)
        self.assertFalse(any("/web/content/" in (message.body or "") for message in plan.message_ids))


@tagged("post_install", "-at_install")
class TestPayrollExport(ExportJobMixin, PayoutWorld):
    """The payroll export holds every statement and every line, on as many detail sheets as xlsx's row
    limit needs, at once or in the background."""

    def _sheets(self, raw):
        book = _workbook(raw)
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}

    def test_detail_continues_on_new_sheets_past_the_row_limit(self):
        self._lock(self.january)
        with patch(f"{RUN}.XLSX_ROWS", 3):  # a header and two lines a sheet
            action = self.january.with_user(self.finance).action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        sheets = self._sheets(attachment.raw)
        self.assertEqual(list(sheets), ["Payroll", "Detail", "Detail (2)", "Detail (3)"])
        payroll = sheets["Payroll"]
        self.assertEqual([row[1] for row in payroll[1:6]], ["Rep 1", "Rep 2", "Rep 3", "Rep 4", "Rep 5"])
        self.assertEqual([row[8] for row in payroll[1:6]], [1_000, 2_000, 3_000, 4_000, 5_000])
        self.assertEqual(payroll[6][8], "=SUM(I2:I6)")
        detail = [row for title in ("Detail", "Detail (2)", "Detail (3)") for row in sheets[title][1:]]
        self.assertEqual([len(sheets[title]) for title in ("Detail", "Detail (2)", "Detail (3)")], [3, 3, 2])
        # one line per January order, in the payroll's order: 10 % of 10,000 ... 50,000
        self.assertEqual([row[0] for row in detail], ["Rep 1", "Rep 2", "Rep 3", "Rep 4", "Rep 5"])
        self.assertEqual([row[5] for row in detail], [1_000, 2_000, 3_000, 4_000, 5_000])
        self.assertEqual([row[3] for row in detail], [10_000, 20_000, 30_000, 40_000, 50_000])
        self.assertEqual({row[2].date() for row in detail}, {date(2026, 1, 15)})
        self.assertTrue(all(row[1] for row in detail), "every line names its document")

    def test_large_payroll_export_in_background(self):
        self._lock(self.january)
        job = self._export_job(self.january, self.finance)
        sheets = self._sheets(job.attachment_id.raw)
        self.assertEqual(sum(row[8] for row in sheets["Payroll"][1:6]), 15_000)
        self.assertEqual(len(sheets["Detail"]), 1 + 5)
        self.assertTrue(job.attachment_id.with_user(self.finance).raw)
        with self.assertRaises(AccessError):
            job.attachment_id.with_user(self.manager_a).read(["raw"])

    def test_order_lines_are_named_as_in_odoo(self):
        """The export names order lines in SQL (a million of them through the ORM take an hour): as
        Odoo does, the order and the first line of the description."""
        statement = self._statement(self.january, self.rep1)
        order_line = self.env["sale.order"].search([("user_id", "=", self.rep1.id)], limit=1).order_line[:1]
        order_line.name = "Laptop\nwith its bag"
        self.env["spm.payout.line"].create(
            {"statement_id": statement.id, "res_model": "sale.order.line", "res_id": order_line.id, "amount": 1}
        )
        self._lock(self.january)
        action = self.january.with_user(self.finance).action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        documents = [row[1] for row in self._sheets(attachment.raw)["Detail"][1:]]
        self.assertTrue(order_line.display_name.startswith(f"{order_line.order_id.name} - Laptop ("))
        self.assertIn(order_line.display_name, documents)

    def test_sale_report_rows_name_and_open_their_order_line(self):
        """A commission on the per-category measure pays on sale.report's rows, whose ids are the order
        lines': the line names its order line (not the row's date) and opens the order."""
        statement = self._statement(self.january, self.rep1)
        order_line = self.env["sale.order"].search([("user_id", "=", self.rep1.id)], limit=1).order_line[:1]
        order_line.name = "Docking station"
        line = self.env["spm.payout.line"].create(
            {"statement_id": statement.id, "res_model": "sale.report", "res_id": order_line.id, "amount": 1}
        )
        self.assertEqual(self.env["sale.report"].browse(order_line.id).order_reference, order_line.order_id)
        customer = order_line.order_id.partner_id.commercial_partner_id
        self.assertEqual(
            line.reference, f"{order_line.order_id.name} - Docking station ({customer.ref or customer.name})"
        )
        action = line.with_user(self.rep1).action_open_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order_line.order_id.id))
        self._lock(self.january)
        action = self.january.with_user(self.finance).action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
        documents = [row[1] for row in self._sheets(attachment.raw)["Detail"][1:]]
        self.assertIn(line.reference, documents)
