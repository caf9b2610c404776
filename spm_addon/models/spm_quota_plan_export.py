import io
from collections import defaultdict

import xlsxwriter

from odoo import fields, models
from odoo.tools import SQL

EXPORT_COLUMNS = ["id", "parent_id", "level", "team_id", "user_id", "categ_id", "period_type", "date_from", "date_to",
                  "target", "actual_amount", "attainment", "expected_amount", "pace", "projected_amount"]  # fmt: skip


class SpmQuotaPlan(models.Model):
    """The cascade as an xlsx workbook (the Export to Excel button)."""

    _inherit = "spm.quota.plan"

    def _export_coverage(self, count):
        """What an export of ``count`` targets (those the user may read) covers, said on the sheet."""
        self.ensure_one()
        if count == self.env["spm.quota.line"].sudo().search_count([("plan_id", "=", self.id)]):
            return self.env._("Covers the whole plan")
        teams = self.team_ids.filtered(lambda team: team.user_id == self.env.user)
        if teams:
            return self.env._("Covers the teams you lead: %(teams)s", teams=", ".join(teams.mapped("name")))
        return self.env._("Covers only the targets you may see")

    def _export_filename(self):
        return f"{self.name}.xlsx"

    def _export_rows(self):
        """The targets of the plan the user may read (their record rules apply), as tuples read in one
        query: (id, parent, level, team, salesperson, category, period type, start, end, target,
        actual, attainment, expected, pace, projected)."""
        Line = self.env["spm.quota.line"]
        Line.flush_model()
        query = Line._search([("plan_id", "=", self.id)], order="id")
        return self.env.execute_query(query.select(*(SQL.identifier(Line._table, name) for name in EXPORT_COLUMNS)))

    def _export_names(self, rows):
        """The display names of the lines of ``rows`` (teams, salespeople, categories read once each)."""
        Line = self.env["spm.quota.line"]
        names = {}
        for position, model in ((3, "crm.team"), (4, "res.users"), (5, "product.category")):
            records = self.env[model].sudo().browse({row[position] for row in rows if row[position]})
            names[position] = dict(zip(records.ids, records.mapped("display_name"), strict=True))
        company = self.company_id.name or self.name
        labels = {}
        for row in rows:
            level = row[2]
            if level == "period":
                labels[row[0]] = Line._period_label(row[6], row[7])
            elif level == "company":
                labels[row[0]] = company
            else:
                position = {"team": 3, "user": 4, "categ": 5}[level]
                labels[row[0]] = names[position].get(row[position], "")
        return labels, names

    def _export_xlsx(self):
        """The cascade as an xlsx workbook: one row per target the user may read, indented by level,
        with totals; the sheet says what it covers. Read in one query and written row by row (xlsx's
        constant-memory mode), so that a cascade of 170,000 targets fits in a background job."""
        self.ensure_one()
        rows = self._export_rows()
        labels, names = self._export_names(rows)
        ids = {row[0] for row in rows}
        children = defaultdict(list)
        for row in rows:  # a line whose parent is not exported starts a tree of its own
            children[row[1] if row[1] in ids else False].append(row)
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True})  # rows written in order
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
        sheet.write(2, 0, self._export_coverage(len(rows)), formats["bold"])
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
        to_date = fields.Datetime.to_datetime
        user_target = user_actual = 0.0
        while stack:
            line, indent = stack.pop()
            (line_id, _parent, level, team_id, user_id, _categ, _period, start, end, target, actual, attainment,
             expected, pace, projected) = line  # fmt: skip
            bold = level in ("company", "team")
            sheet.write(row, 0, "    " * indent + labels[line_id], formats["bold"] if bold else None)
            sheet.write(row, 1, levels[level])
            sheet.write(row, 2, names[3].get(team_id, ""))
            sheet.write(row, 3, names[4].get(user_id, ""))
            sheet.write_datetime(row, 4, to_date(start), formats["date"])
            sheet.write_datetime(row, 5, to_date(end), formats["date"])
            sheet.write_number(row, 6, target or 0.0, formats["money_bold"] if bold else formats["money"])
            sheet.write_number(row, 7, actual or 0.0, formats["money"])
            sheet.write_number(row, 8, attainment or 0.0, formats["pct"])
            sheet.write_number(row, 9, expected or 0.0, formats["money"])
            sheet.write_number(row, 10, pace or 0.0, formats["pct"])
            sheet.write_number(row, 11, projected or 0.0, formats["money"])
            if level == "user":
                user_target += target or 0.0
                user_actual += actual or 0.0
            row += 1
            stack.extend((child, indent + 1) for child in reversed(children[line_id]))
        sheet.write(row, 0, self.env._("Total of the salespeople listed"), formats["bold"])
        sheet.write_formula(row, 6, f'=SUMIF(B5:B{row},"{levels["user"]}",G5:G{row})', formats["total"], user_target)
        sheet.write_formula(row, 7, f'=SUMIF(B5:B{row},"{levels["user"]}",H5:H{row})', formats["total"], user_actual)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 3, 18)
        sheet.set_column(4, 5, 12)
        sheet.set_column(6, 11, 15)
        sheet.freeze_panes(4, 1)
        sheet.autofilter(3, 0, max(row - 1, 3), len(headers) - 1)
        book.close()
        return output.getvalue()
