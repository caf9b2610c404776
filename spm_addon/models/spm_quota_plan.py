import io
from collections import defaultdict
from datetime import date, timedelta

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..engine import allocation, attainment, pacing, periods, series
from ..tools import access, bulk, xlsx
from .spm_quota_line import FIGURE_COLUMNS

STATES = [("draft", "Draft"), ("active", "Active"), ("locked", "Locked"), ("closed", "Closed")]
TIME_SPLITS = {
    "none": (),
    "quarter": ("quarter",),
    "month": ("quarter", "month"),
    "week": ("quarter", "month", "week"),
}


class SpmQuotaPlan(models.Model):
    """Targets of one measure over a fiscal period, cascaded company > team > salesperson > period."""

    _name = "spm.quota.plan"
    _description = "Quota Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.period.mixin"]
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, tracking=True, translate=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        tracking=True,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    measure_id = fields.Many2one("spm.measure", required=True, tracking=True, ondelete="restrict")
    date_from = fields.Date(
        string="Start", required=True, tracking=True, default=lambda self: date(fields.Date.today().year, 1, 1)
    )
    date_to = fields.Date(
        string="End", required=True, tracking=True, default=lambda self: date(fields.Date.today().year, 12, 31)
    )
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, copy=False)
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user, tracking=True)
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        help="The teams the company target is split over. The plan counts only their figures (history and "
        "actuals); without teams it counts the whole company.",
    )
    target_amount = fields.Monetary(
        string="Company Target",
        currency_field="currency_id",
        tracking=True,
        help="Total to split. Left at zero with a history allocation, it is suggested from history and growth.",
    )
    time_split = fields.Selection(
        [
            ("none", "No time split"),
            ("quarter", "Quarters"),
            ("month", "Quarters and months"),
            ("week", "Quarters, months and weeks"),
        ],
        default="month",
        required=True,
    )
    split_by_category = fields.Boolean(help="Split each salesperson's target over product categories.")
    categ_ids = fields.Many2many("product.category", string="Product Categories")
    allocation_method = fields.Selection(
        [
            ("equal", "Equal split"),
            ("history", "In proportion to history"),
            ("capacity", "In proportion to capacity"),
            ("manual", "By hand"),
        ],
        default="history",
        required=True,
        tracking=True,
    )
    history_basis = fields.Selection(
        [("same_period", "Same period last year"), ("trailing", "Trailing 12 months")],
        default="same_period",
        required=True,
    )
    growth_rate = fields.Float(string="Growth (%)", digits=(16, 2), tracking=True)
    use_seasonality = fields.Boolean(
        string="Seasonal Split",
        default=True,
        help="Split over quarters and months in proportion to last year's months instead of equally.",
    )
    balance_mode = fields.Selection(
        [("rebalance", "Rebalance siblings"), ("flag", "Flag the parent as out of balance")],
        default="rebalance",
        required=True,
        help="What happens when a target is changed by hand.",
    )
    is_strict = fields.Boolean(string="Strict", help="Refuse splits whose total exceeds their parent.")
    expected_basis = fields.Selection(
        [("working_days", "Working days"), ("seasonal", "Seasonal curve")],
        string="Expected to Date By",
        default="seasonal",
        required=True,
    )
    pace_threshold = fields.Float(
        string="Alert Below Pace (%)",
        default=80.0,
        help="Managers get an activity for each target whose pace falls below this.",
    )
    line_ids = fields.One2many("spm.quota.line", "plan_id", string="Targets")
    org_line_ids = fields.One2many(
        "spm.quota.line",
        "plan_id",
        string="Teams and Salespeople",
        domain=[("level", "in", ("company", "team", "user"))],
    )
    line_count = fields.Integer(compute="_compute_line_count")
    root_line_id = fields.Many2one("spm.quota.line", compute="_compute_line_count", string="Company Line")
    attainment = fields.Float(
        compute="_compute_line_count",
        string="Plan Attainment (%)",
        digits=(16, 1),
        help="Actual of the whole plan (every team it covers) over its company target, whoever looks at it.",
    )
    refresh_date = fields.Datetime(string="Figures Updated On", readonly=True, copy=False)

    def _compute_line_count(self):
        # the count is of the targets the user may open; the company line and its attainment are the
        # whole plan's, read as superuser (a salesperson does not see the company line itself)
        counts = dict(self.env["spm.quota.line"]._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"]))
        roots = self.env["spm.quota.line"].sudo().search([("plan_id", "in", self.ids), ("parent_id", "=", False)])
        root_by_plan = {root.plan_id.id: root for root in roots}
        for plan in self:
            root = root_by_plan.get(plan.id)
            plan.line_count = counts.get(plan, 0)
            plan.root_line_id = root.id if root else False
            plan.attainment = root.attainment if root else 0.0

    @api.constrains("target_amount", "growth_rate", "pace_threshold")
    def _check_amounts(self):
        for plan in self:
            if plan.target_amount < 0:
                raise ValidationError(
                    self.env._(
                        "The company target of %(plan)s cannot be negative (%(amount)s).",
                        plan=plan.name,
                        amount=plan.target_amount,
                    )
                )
            if plan.growth_rate <= -100:
                raise ValidationError(self.env._("A growth rate must be above -100%."))
            if plan.pace_threshold < 0:
                raise ValidationError(self.env._("The alert threshold cannot be negative."))

    @api.constrains("split_by_category", "categ_ids", "measure_id")
    def _check_category_split(self):
        for plan in self.filtered("split_by_category"):
            if not plan.measure_id.sudo().categ_field_id:
                raise ValidationError(
                    self.env._(
                        "The measure %(measure)s has no product category field: choose a measure by product "
                        "category (e.g. Confirmed sales revenue by product category) to split targets by category.",
                        measure=plan.measure_id.name,
                    )
                )
            if not plan.categ_ids:
                raise ValidationError(self.env._("Choose the product categories to split the targets over."))

    @api.constrains("state", "date_from", "date_to", "measure_id", "company_id", "team_ids")
    def _check_overlap(self):
        running = self.filtered(lambda plan: plan.state in ("active", "locked"))
        for plan in running:
            others = self.search(
                [
                    ("id", "!=", plan.id),
                    ("state", "in", ("active", "locked")),
                    ("company_id", "=", plan.company_id.id),
                    ("measure_id", "=", plan.measure_id.id),
                    ("date_from", "<=", plan.date_to),
                    ("date_to", ">=", plan.date_from),
                ]
            )
            for other in others:
                if not plan.team_ids or not other.team_ids or plan.team_ids & other.team_ids:
                    raise ValidationError(
                        self.env._(
                            "The plans %(plan)s and %(other)s measure %(measure)s for the same teams over "
                            "overlapping periods (%(start)s - %(end)s and %(other_start)s - %(other_end)s). "
                            "Close one or change its dates.",
                            plan=plan.name,
                            other=other.name,
                            measure=plan.measure_id.name,
                            start=plan.date_from,
                            end=plan.date_to,
                            other_start=other.date_from,
                            other_end=other.date_to,
                        )
                    )

    def write(self, vals):
        if set(vals) - {"state", "refresh_date", "message_main_attachment_id"}:
            self._check_editable()
        if "state" in vals:
            self._check_transition(vals["state"])
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "The plan %(plan)s is %(state)s: only draft plans can be deleted.",
                        plan=plan.name,
                        state=plan._state_label(plan.state),
                    )
                )

    def _state_label(self, state):
        return dict(self._fields["state"]._description_selection(self.env))[state]

    def _check_editable(self):
        for plan in self:
            if plan.state in ("locked", "closed"):
                raise UserError(
                    self.env._(
                        "The plan %(plan)s is %(state)s: its targets can no longer change.",
                        plan=plan.name,
                        state=plan._state_label(plan.state).lower(),
                    )
                )

    def _check_transition(self, new_state):
        allowed = {"draft": {"active"}, "active": {"locked", "draft"}, "locked": {"closed"}, "closed": set()}
        for plan in self:
            if new_state != plan.state and new_state not in allowed[plan.state]:
                raise UserError(
                    self.env._(
                        "The plan %(plan)s cannot go from %(old)s to %(new)s.",
                        plan=plan.name,
                        old=plan._state_label(plan.state),
                        new=plan._state_label(new_state),
                    )
                )

    # Actions: each checks the caller's group on the server, then returns something XML-RPC can carry

    def action_activate(self):
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator activates a quota plan."))
        for plan in self:
            if not plan.line_ids:
                raise UserError(self.env._("Allocate the plan %(plan)s before activating it.", plan=plan.name))
        self.state = "active"
        self._refresh_figures()
        return True

    def action_lock(self):
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator locks a quota plan."))
        self.state = "locked"
        return True

    def action_close(self):
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator closes a quota plan."))
        self._refresh_figures()
        self.state = "closed"
        return True

    def action_reset_draft(self):
        access.require(
            self.env, "admin", self.env._("Only a Sales Performance administrator sets a quota plan back to draft.")
        )
        self.state = "draft"
        return True

    def action_refresh(self):
        access.require(
            self.env, "manager", self.env._("Only managers and administrators refresh the figures of a quota plan.")
        )
        self._refresh_figures()
        return True

    def action_allocate(self):
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator allocates a quota plan."))
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "The plan %(plan)s is no longer a draft: adjust its targets one by one instead.",
                        plan=plan.name,
                    )
                )
            plan._allocate()
        return True

    def action_rollup(self):
        """Bottom-up: each parent's target becomes the sum of its split."""
        access.require(self.env, "admin", self.env._("Only a Sales Performance administrator rolls up a quota plan."))
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be rolled up."))
            plan._rollup()
        return True

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_addon.spm_quota_line_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {"default_plan_id": self.id}
        return action

    def action_view_hierarchy(self):
        action = self.action_view_lines()
        action["domain"] = [("plan_id", "=", self.id), ("level", "!=", "period")]
        action["view_mode"] = "hierarchy,list,form"
        action["views"] = [
            (self.env.ref("spm_addon.spm_quota_line_view_hierarchy").id, "hierarchy"),
            (False, "list"),
            (False, "form"),
        ]
        return action

    def action_export_xlsx(self):
        self.ensure_one()
        access.require(self.env, "manager", self.env._("Only managers and administrators export a quota plan."))
        return xlsx.download_action(self, f"{self.name}.xlsx", self._export_xlsx())

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

    # Allocation

    def _rollup(self):
        """Set each parent's target to the sum of its split, deepest first, and the company target to
        the top line's (server code: the caller checked the administrator)."""
        self.ensure_one()
        lines = self.line_ids.sudo()
        for depth in sorted(set(lines.mapped("depth")), reverse=True)[1:]:
            for parent in lines.filtered(lambda rec, depth=depth: rec.depth == depth and rec.child_ids):
                parent.target = sum(parent.child_ids.mapped("target"))
        if self.root_line_id:
            self.target_amount = self.root_line_id.target

    def _team_members(self):
        """{team: [users]} of the plan's teams, in a stable order."""
        self.ensure_one()
        members = self.env["crm.team.member"].search_fetch(
            [("crm_team_id", "in", self.team_ids.ids)],
            ["crm_team_id", "user_id"],
            order="crm_team_id, user_id",
        )
        result = defaultdict(list)
        for member in members:
            result[member.crm_team_id.id].append(member.user_id.id)
        return result

    def _history_period(self):
        self.ensure_one()
        if self.history_basis == "trailing":
            return periods.trailing_twelve_months(self.date_from)
        return periods.same_period_last_year(self.date_from, self.date_to)

    def _fetch_lines(self, fnames):
        """The plan's lines as plain dicts, read in one query (many2one columns as ids or None)."""
        self.ensure_one()
        self.env["spm.quota.line"].flush_model()
        columns = SQL(", ").join(SQL.identifier(fname) for fname in ("id", *fnames))
        rows = self.env.execute_query_dict(
            SQL("SELECT %s FROM spm_quota_line WHERE plan_id = %s ORDER BY depth, id", columns, self.id)
        )
        for row in rows:
            for fname in ("target", "capacity_weight", "history_amount"):
                if fname in row:
                    row[fname] = float(row[fname] or 0.0)
        return rows

    @staticmethod
    def _line_key(parent_id, vals):
        return (
            parent_id or None,
            vals["level"],
            vals.get("team_id") or None,
            vals.get("user_id") or None,
            vals.get("categ_id") or None,
            vals["period_type"],
            vals["date_from"],
        )

    def _insert_lines(self, rows):
        """Insert new lines (dicts with their reserved ids) with one COPY.

        The cascade is consistent by construction (members of their team, dates inside the plan), so
        the per-record checks of ``create`` are not needed here. Bulk-created lines leave
        create_uid/write_uid empty: the plan's chatter records who allocated.
        """
        now = str(fields.Datetime.now())
        plan, company = self.id, self.company_id.id
        null = bulk.NULL
        bulk.copy_rows(
            self.env.cr,
            "spm_quota_line",
            [
                "id",
                "plan_id",
                "company_id",
                "parent_id",
                "level",
                "depth",
                "team_id",
                "user_id",
                "categ_id",
                "period_type",
                "date_from",
                "date_to",
                "target",
                "history_amount",
                "capacity_weight",
                "is_pinned",
                "create_date",
                "write_date",
            ],
            (
                (
                    row["id"],
                    plan,
                    company,
                    row["parent_id"] or null,
                    row["level"],
                    row["depth"],
                    row["team_id"] or null,
                    row["user_id"] or null,
                    row["categ_id"] or null,
                    row["period_type"],
                    row["date_from"],
                    row["date_to"],
                    round(row["target"], 6),
                    round(row["history"], 6),
                    1.0,
                    "f",
                    now,
                    now,
                )
                for row in rows
            ),
            formatted=True,
        )

    def _cascade_rows(self):
        """Every line of the cascade as a dict: the existing ones read from the database, the missing ones
        (new teams, salespeople, categories, periods) added with ids reserved from the sequence and
        flagged ``new``. Nothing is written."""
        self.ensure_one()
        fnames = [
            "parent_id",
            "level",
            "depth",
            "team_id",
            "user_id",
            "categ_id",
            "period_type",
            "date_from",
            "date_to",
            "target",
            "capacity_weight",
            "is_pinned",
        ]
        rows = self._fetch_lines(fnames)
        by_key = {self._line_key(row["parent_id"], row): row for row in rows}
        missing = []

        def ensure(specs):
            """specs: list of (parent_id, vals); returns the rows in the same order."""
            result = []
            for parent_id, vals in specs:
                key = self._line_key(parent_id, vals)
                if key not in by_key:
                    row = {
                        "id": None,
                        "parent_id": parent_id,
                        "team_id": None,
                        "user_id": None,
                        "categ_id": None,
                        "target": 0.0,
                        "capacity_weight": 1.0,
                        "is_pinned": False,
                        "new": True,
                        **vals,
                    }
                    by_key[key] = row
                    missing.append(row)
                result.append(by_key[key])
            return result

        def assign_ids():
            for row, line_id in zip(
                missing, bulk.reserve_ids(self.env.cr, "spm_quota_line", len(missing)), strict=True
            ):
                row["id"] = line_id
            missing.clear()

        base = {"date_from": self.date_from, "date_to": self.date_to, "period_type": "plan"}
        [root] = ensure([(None, {**base, "level": "company", "depth": 0})])
        assign_ids()
        teams = self.team_ids.sorted("id")
        team_rows = ensure([(root["id"], {**base, "level": "team", "team_id": team.id, "depth": 1}) for team in teams])
        assign_ids()
        members = self._team_members()
        leaves = ensure(
            [
                (team_row["id"], {**base, "level": "user", "team_id": team.id, "user_id": user_id, "depth": 2})
                for team, team_row in zip(teams, team_rows, strict=True)
                for user_id in members.get(team.id, [])
            ]
        )
        assign_ids()
        if self.split_by_category and self.categ_ids:
            leaves = ensure(
                [
                    (
                        leaf["id"],
                        {
                            **base,
                            "level": "categ",
                            "team_id": leaf["team_id"],
                            "user_id": leaf["user_id"],
                            "categ_id": categ.id,
                            "depth": 3,
                        },
                    )
                    for leaf in leaves
                    for categ in self.categ_ids.sorted("id")
                ]
            )
            assign_ids()
        for unit in TIME_SPLITS[self.time_split]:
            specs = []
            for leaf in leaves:
                for start, end in periods.split_period(leaf["date_from"], leaf["date_to"], unit):
                    specs.append(
                        (
                            leaf["id"],
                            {
                                "level": "period",
                                "period_type": unit,
                                "date_from": start,
                                "date_to": end,
                                "depth": leaf["depth"] + 1,
                                "team_id": leaf["team_id"],
                                "user_id": leaf["user_id"],
                                "categ_id": leaf["categ_id"],
                            },
                        )
                    )
            leaves = ensure(specs)
            assign_ids()
        return list(by_key.values())

    def _allocate(self):
        """Build the missing lines, split the company target down the whole cascade, and write every
        line at once: new lines with one COPY, existing ones with one UPDATE."""
        self.ensure_one()
        Line = self.env["spm.quota.line"]
        rows = self._cascade_rows()
        children = defaultdict(list)
        for row in sorted(rows, key=lambda rec: (rec["depth"], rec["id"])):
            children[row["parent_id"]].append(row)
        hist_from, hist_to = self._history_period()
        offset = self.date_from - hist_from
        history = self._figure_index(hist_from, hist_to)
        company = history(None)
        for row in rows:
            row["history"] = self._bucket_total(history, row, offset)
            if row["level"] == "period":
                row["company_history"] = company.total(row["date_from"] - offset, row["date_to"] - offset)
        root = children[None][0]
        if self.allocation_method == "history" and not self.target_amount:
            self.target_amount = self.currency_id.round(root["history"] * (1 + self.growth_rate / 100.0))
        if self.allocation_method != "manual" or not root["target"]:
            root["target"] = self.target_amount
        digits = self.currency_id.decimal_places
        method, seasonal = self.allocation_method, self.use_seasonality
        stack = [root]
        while stack:
            parent = stack.pop()
            kids = children.get(parent["id"], [])
            if kids:
                self._split(parent, kids, children, digits, method, seasonal)
                stack.extend(kids)
        Line.flush_model()
        self._insert_lines([row for row in rows if row.get("new")])
        self._store_targets([row for row in rows if not row.get("new")])
        Line.invalidate_model()
        self.message_post(
            body=self.env._(
                "Targets allocated: %(total)s over %(count)s lines (%(method)s).",
                total=self.currency_id.format(root["target"]),
                count=len(rows),
                method=dict(self._fields["allocation_method"].selection)[self.allocation_method],
            )
        )

    @staticmethod
    def _split(parent, kids, children, digits, method, seasonal):
        """Set the targets of ``kids`` so that they sum to ``parent``'s target, by the plan's allocation
        ``method``; periods in proportion to their history when ``seasonal``."""
        pinned = [kid for kid in kids if kid["is_pinned"]]
        free = [kid for kid in kids if not kid["is_pinned"]]
        if not free:
            return
        level = free[0]["level"]
        if level in ("team", "user") and method == "manual":
            return
        if level == "period":
            use_history = seasonal
        else:
            use_history = method == "history" or level == "categ"
        if use_history and level == "period" and min(kid["history"] for kid in free) <= 0:
            # a period without history of its own (a new hire, a gap): the company's seasonality
            weights = [kid["company_history"] for kid in free]
        elif use_history:
            weights = [kid["history"] for kid in free]
        elif method == "capacity" and level == "team":
            weights = [
                sum(c["capacity_weight"] for c in children.get(kid["id"], [])) or kid["capacity_weight"] for kid in free
            ]
        elif method == "capacity" and level == "user":
            weights = [kid["capacity_weight"] for kid in free]
        else:
            weights = [1.0] * len(free)
        if use_history:
            weights = allocation.seasonal_weights(weights) if level == "period" else allocation.history_weights(weights)
        rest = max(parent["target"] - sum(kid["target"] for kid in pinned), 0.0)
        for kid, part in zip(free, allocation.largest_remainder(rest, weights, digits), strict=True):
            kid["target"] = part

    def _store_targets(self, rows):
        """Write targets and history of many lines in one UPDATE."""
        if not rows:
            return
        self.env["spm.quota.line"].flush_model()
        bulk.update_rows(
            self.env.cr,
            "spm_quota_line",
            {"target": "numeric", "history_amount": "numeric"},
            ((r["id"], round(r["target"], 6), round(r["history"], 6)) for r in rows),
            formatted=True,
        )
        self.env["spm.quota.line"].invalidate_model(["target", "history_amount"])

    # Figures

    def _scope_domain(self):
        """Domain, on the measure's model, of the records the plan counts (history and actuals of every
        line): those of its teams and, among records without a team, those of its teams' members and
        leaders; without teams, the whole company (the company filter is the measure's own)."""
        self.ensure_one()
        if not self.team_ids:
            return []
        measure = self.measure_id.sudo()
        teams = self.team_ids.sudo()
        people = set(teams.user_id.ids)
        for users in self.sudo()._team_members().values():
            people.update(users)
        owned = measure._owner_domain(sorted(people))
        if not measure.team_field_id:
            return owned
        team_field = measure.team_field_id.name
        return expression.OR([[(team_field, "in", teams.ids)], expression.AND([[(team_field, "=", False)], owned])])

    def _buckets_groupby(self):
        self.ensure_one()
        measure = self.measure_id
        dims = ["user"]
        if measure.team_field_id:
            dims.append("team")
        if measure.categ_field_id:
            dims.append("categ")
        aligned = self.date_from.day == 1 and (self.date_to + timedelta(days=1)).day == 1
        dims.append("day" if self.time_split == "week" or not aligned else "month")
        return dims

    def _figure_index(self, date_from, date_to):
        """The measure's figures over [date_from, date_to] in the plan's scope (one grouped query), as a
        lookup ``(scope, categ id) -> DatedSums``: scope is ("user", id), ("team", id) or None for the
        whole plan; a category also takes in its subcategories. Each series is built on first use."""
        dims = self._buckets_groupby()
        values = self.measure_id._read_values(
            date_from, date_to, dims, domain=self._scope_domain(), company_ids=self.company_id.ids
        )
        at = {dim: i for i, dim in enumerate(dims)}
        i_user, i_team, i_categ = at["user"], at.get("team"), at.get("categ")
        i_day = at.get("month", at.get("day"))
        categ_paths = {}
        if i_categ is not None:
            categs = self.env["product.category"].browse({key[i_categ] for key in values if key[i_categ]})
            categ_paths = {categ.id: {int(part) for part in categ.parent_path.split("/") if part} for categ in categs}
        everything = []
        groups = defaultdict(list)
        for key, value in values.items():
            item = (key[i_day], value, categ_paths.get(key[i_categ], ()) if i_categ is not None else ())
            everything.append(item)
            groups["user", key[i_user]].append(item)
            if i_team is not None and key[i_team]:
                groups["team", key[i_team]].append(item)
        groups[None] = everything
        cache = {}

        def lookup(scope, categ_id=None):
            key = (scope, categ_id or None)
            if key not in cache:
                cache[key] = series.DatedSums(
                    (day, value) for day, value, categs in groups.get(scope, ()) if not categ_id or categ_id in categs
                )
            return cache[key]

        return lookup

    @staticmethod
    def _bucket_total(index, row, offset=timedelta(0)):
        """Sum of the figures in a line's scope (its salesperson, else its team, else all; within its
        category) over the line's dates shifted back by ``offset``."""
        if row["user_id"]:
            scope = ("user", row["user_id"])
        elif row["team_id"]:
            scope = ("team", row["team_id"])
        else:
            scope = None
        return index(scope, row["categ_id"]).total(row["date_from"] - offset, row["date_to"] - offset)

    def _refresh_figures(self, today=None):
        """Recompute actual, attainment, expected, pace, projection and gap of every line.

        One grouped query per plan reads the measure; one UPDATE writes the lines whose figures
        changed, so a refresh later the same day rewrites only the targets that got new sales.
        """
        today = today or fields.Date.context_today(self)
        now = fields.Datetime.now()
        Line = self.env["spm.quota.line"]
        Line.flush_model()
        for plan in self.filtered(lambda rec: rec.state != "closed"):
            changed = plan._compute_figures(today)
            if changed:
                bulk.update_rows(self.env.cr, "spm_quota_line", FIGURE_COLUMNS, changed, formatted=True)
            plan.sudo().refresh_date = now
        Line.invalidate_model(list(FIGURE_COLUMNS))

    def _compute_figures(self, today):
        """The figures of the plan's lines on ``today``: ``[(id, actual, attainment, expected, pace,
        projected, gap)]`` of the lines whose stored figures differ.

        The actuals come from one query: the measure grouped by salesperson, team, category and
        month (or day), summed over each line's scope and dates. The lines are then walked deepest
        first, so that every parent meets its split complete: the seasonal expected-to-date of a
        parent is its split's expected-to-date scaled to its own target (leaves go by working days),
        and team actuals add up their salespeople when the measure has no team.
        """
        self.ensure_one()
        grain = self._buckets_groupby()[-1]
        figures = self.measure_id._values_sql(
            self.date_from,
            self.date_to,
            ("user", "team", "categ", grain),
            domain=self._scope_domain(),
            company_ids=self.company_id.ids,
        )
        with bulk.without_jit(self.env.cr):
            rows = self._read_figure_rows(figures)
        sum_teams = not self.measure_id.team_field_id
        seasonal = self.expected_basis == "seasonal"
        split = defaultdict(lambda: [0.0, 0.0, 0.0])  # parent id -> actual, target, expected of its split
        changed = []
        for line_id, parent_id, level, start, end, target, measured, *stored in rows:
            kids = split.pop(line_id, None)
            actual = (kids[0] if kids else 0.0) if sum_teams and level == "team" else measured
            fraction = periods.elapsed_fraction(start, end, today)
            if seasonal and kids and kids[1]:
                expected = kids[2] * target / kids[1]
            else:
                expected = target * fraction
            if parent_id:
                totals = split[parent_id]
                totals[0] += actual
                totals[1] += target
                totals[2] += expected
            figures = pacing.pacing(target, actual, expected / target if target else fraction)
            values = (
                actual,
                attainment.attainment(actual, target),
                figures["expected"],
                figures["pace"],
                figures["projected"],
                figures["gap"],
            )
            if values != tuple(stored):  # stored as numeric from their exact text: equal when unchanged
                changed.append((line_id, *values))
        return changed

    def _read_figure_rows(self, figures):
        """The plan's lines, deepest first, with their actual: the measure's grouped ``figures`` summed
        over each line's scope (its salesperson, else its team, else everything; within its category
        and subcategories) and dates. Columns: id, parent id, level, start, end, target, actual, then
        the stored figures in the order of ``FIGURE_COLUMNS``."""
        return self.env.execute_query(
            SQL(
                """
            WITH fig (user_id, team_id, categ_id, day, amount) AS MATERIALIZED (%(figures)s),
            line AS MATERIALIZED (
                SELECT line.id, line.parent_id, line.level, line.depth, line.user_id, line.team_id, line.date_from,
                       line.date_to, categ.parent_path AS categ_path, line.target, line.actual_amount,
                       line.attainment, line.expected_amount, line.pace, line.projected_amount, line.gap_amount
                  FROM spm_quota_line line LEFT JOIN product_category categ ON categ.id = line.categ_id
                 WHERE line.plan_id = %(plan)s
            ),
            scoped AS (
                SELECT line.id, line.date_from, line.date_to, line.categ_path, fig.day, fig.categ_id, fig.amount
                  FROM line JOIN fig ON fig.user_id = line.user_id
                UNION ALL
                SELECT line.id, line.date_from, line.date_to, line.categ_path, fig.day, fig.categ_id, fig.amount
                  FROM line JOIN fig ON fig.team_id = line.team_id
                 WHERE line.user_id IS NULL
                UNION ALL
                SELECT line.id, line.date_from, line.date_to, line.categ_path, fig.day, fig.categ_id, fig.amount
                  FROM line CROSS JOIN fig
                 WHERE line.user_id IS NULL AND line.team_id IS NULL
            ),
            actual AS (
                SELECT id, SUM(amount) AS amount
                  FROM scoped
                 WHERE day BETWEEN date_from AND date_to
                   AND (categ_path IS NULL OR starts_with(
                        (SELECT categ.parent_path FROM product_category categ WHERE categ.id = scoped.categ_id),
                        categ_path))
              GROUP BY id
            )
            SELECT line.id, line.parent_id, line.level, line.date_from, line.date_to, COALESCE(line.target, 0)::float8,
                   COALESCE(actual.amount, 0)::float8, line.actual_amount::float8, line.attainment::float8,
                   line.expected_amount::float8, line.pace::float8, line.projected_amount::float8,
                   line.gap_amount::float8
              FROM line LEFT JOIN actual ON actual.id = line.id
          ORDER BY line.depth DESC, line.id
                """,
                figures=figures,
                plan=self.id,
            )
        )

    # Alerts

    @api.model
    def _cron_refresh_and_alert(self):
        plans = self.search([("state", "in", ("active", "locked"))])
        plans._refresh_figures()
        plans._create_pace_alerts()

    def _create_pace_alerts(self):
        """One activity per lagging salesperson or team target for the responsible manager, never twice."""
        activity_type = self.env.ref("spm_addon.mail_activity_type_spm_pace")
        Line = self.env["spm.quota.line"]
        lagging = Line.browse()
        for plan in self.filtered(lambda rec: rec.state == "active"):
            lagging |= Line.search(
                [
                    ("plan_id", "=", plan.id),
                    ("level", "in", ("team", "user")),
                    ("expected_amount", ">", 0),
                    ("pace", "<", plan.pace_threshold),
                ]
            )
        if not lagging:
            return self.env["mail.activity"]
        done = self.env["mail.activity"].search(
            [
                ("res_model", "=", Line._name),
                ("res_id", "in", lagging.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        lagging -= Line.browse(done.mapped("res_id"))
        model_id = self.env["ir.model"]._get_id(Line._name)
        vals_list = []
        for line in lagging:
            manager = line._responsible_manager()
            fmt = line.currency_id.format if line.plan_id.measure_id.is_monetary else (lambda v: f"{v:,.0f}")
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": line.id,
                    "activity_type_id": activity_type.id,
                    "user_id": manager.id,
                    "summary": self.env._(
                        "%(line)s is behind pace (%(pace).0f%%)", line=line.display_name, pace=line.pace
                    ),
                    "note": self.env._(
                        "Target %(target)s, actual %(actual)s, expected by now %(expected)s, pace %(pace).0f%% "
                        "(alert below %(threshold).0f%%), projected %(projected)s.",
                        target=fmt(line.target),
                        actual=fmt(line.actual_amount),
                        expected=fmt(line.expected_amount),
                        pace=line.pace,
                        threshold=line.plan_id.pace_threshold,
                        projected=fmt(line.projected_amount),
                    ),
                }
            )
        return self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
