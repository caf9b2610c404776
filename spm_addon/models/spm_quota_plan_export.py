import io
from collections import defaultdict

import xlsxwriter

from odoo import fields, models


class SpmQuotaPlan(models.Model):
    """The cascade as an xlsx workbook (the Export to Excel button)."""

    _inherit = "spm.quota.plan"

    def _export_coverage(self, lines):
        """What an export of ``lines`` (the targets the user may read) covers, said on the sheet."""
        self.ensure_one()
        if len(lines) == self.env["spm.quota.line"].sudo().search_count([("plan_id", "=", self.id)]):
            return self.env._("Covers the whole plan")
        teams = self.team_ids.filtered(lambda team: team.user_id == self.env.user)
        if teams:
            return self.env._("Covers the teams you lead: %(teams)s", teams=", ".join(teams.mapped("name")))
        return self.env._("Covers only the targets you may see")

    def _export_xlsx(self):
        """The cascade as an xlsx workbook: one row per target the user may read, indented by level,
        with totals; the sheet says what it covers."""
        self.ensure_one()
        lines = self.env["spm.quota.line"].search([("plan_id", "=", self.id)])
        children = defaultdict(list)
        for line in lines:  # a line whose parent is not exported starts a tree of its own
            children[line.parent_id.id if line.parent_id in lines else False].append(line)
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = book.add_worksheet(self.env._("Cascade")[:31])
        money = "#,##0.00"
        formats = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "head": book.add_format({"bold": True, "bg_color": "#714B67", "font_color": "#FFFFFF", "border": 1}),
            "money": book.add_format({"num_format": money}),
            "money_bold": book.add_format({"num_format": money, "bold": True}),
            "pct": book.add_format({"num_format": '0.0" %"'}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "bold": book.add_format({"bold": True}),
            "total": book.add_format({"bold": True, "top": 2, "num_format": money}),
        }
        sheet.write(0, 0, self.name, formats["title"])
        sheet.write(
            1,
            0,
            self.env._(
                "%(measure)s, %(start)s - %(end)s, %(currency)s",
                measure=self.measure_id.name,
                start=self.date_from,
                end=self.date_to,
                currency=self.currency_id.name,
            ),
        )
        sheet.write(2, 0, self._export_coverage(lines), formats["bold"])
        headers = [
            self.env._("Target Of"),
            self.env._("Level"),
            self.env._("Sales Team"),
            self.env._("Salesperson"),
            self.env._("Start"),
            self.env._("End"),
            self.env._("Target"),
            self.env._("Actual"),
            self.env._("Attainment (%)"),
            self.env._("Expected to Date"),
            self.env._("Pace (%)"),
            self.env._("Projected"),
        ]
        for col, header in enumerate(headers):
            sheet.write(3, col, header, formats["head"])
        levels = dict(self.env["spm.quota.line"]._fields["level"]._description_selection(self.env))
        row = 4
        stack = [(line, 0) for line in reversed(children[False])]
        while stack:
            line, indent = stack.pop()
            bold = line.level in ("company", "team")
            sheet.write(row, 0, "    " * indent + line.display_name, formats["bold"] if bold else None)
            sheet.write(row, 1, levels[line.level])
            sheet.write(row, 2, line.team_id.name or "")
            sheet.write(row, 3, line.user_id.name or "")
            sheet.write_datetime(row, 4, fields.Datetime.to_datetime(line.date_from), formats["date"])
            sheet.write_datetime(row, 5, fields.Datetime.to_datetime(line.date_to), formats["date"])
            sheet.write_number(row, 6, line.target, formats["money_bold"] if bold else formats["money"])
            sheet.write_number(row, 7, line.actual_amount, formats["money"])
            sheet.write_number(row, 8, line.attainment, formats["pct"])
            sheet.write_number(row, 9, line.expected_amount, formats["money"])
            sheet.write_number(row, 10, line.pace, formats["pct"])
            sheet.write_number(row, 11, line.projected_amount, formats["money"])
            row += 1
            stack.extend((child, indent + 1) for child in reversed(children[line.id]))
        user_rows = [line for line in lines if line.level == "user"]
        sheet.write(row, 0, self.env._("Total of the salespeople listed"), formats["bold"])
        sheet.write_formula(
            row,
            6,
            f'=SUMIF(B5:B{row},"{levels["user"]}",G5:G{row})',
            formats["total"],
            sum(line.target for line in user_rows),
        )
        sheet.write_formula(
            row,
            7,
            f'=SUMIF(B5:B{row},"{levels["user"]}",H5:H{row})',
            formats["total"],
            sum(line.actual_amount for line in user_rows),
        )
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 3, 18)
        sheet.set_column(4, 5, 12)
        sheet.set_column(6, 11, 15)
        sheet.freeze_panes(4, 1)
        sheet.autofilter(3, 0, max(row - 1, 3), len(headers) - 1)
        book.close()
        return output.getvalue()
