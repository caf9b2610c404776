import io
from collections import defaultdict

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, split_every

from ..tools import access, explain
from .spm_payout_line import DOCUMENT_OF

STATES = [("draft", "Draft"), ("approved", "Approved"), ("locked", "Locked")]
CONFIG_FIELDS = {"name", "plan_id", "date_from", "date_to"}  # an administrator sets them on a draft run
EXPORT_CHUNK = 500  # statements whose lines an export reads at once
XLSX_ROWS = 1_048_576  # rows of an xlsx sheet
# written by the buttons and the computation only; every other field (an administrator's custom
# fields, the chatter's) follows the user's access rights
SERVER_FIELDS = {"company_id", "state", "statement_ids", "compute_date", "compute_cursor"}
TOTALS = "spm_addon.group_spm_manager,spm_addon.group_spm_finance"


class SpmPayoutRun(models.Model):
    """The commissions of one plan for one period: a statement per participant, each line traced to
    its source document. Draft runs are recomputed from scratch; each manager approves the statements
    of the teams they lead (an administrator any), and the run is approved once all are; finance locks
    approved runs; locked runs never change. States and figures move only through the buttons.

    The computation is in spm_payout_run_compute.py: at once for a few thousand salespeople and
    documents, else as a background job, a batch of salespeople at a time."""

    _name = "spm.payout.run"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.job.mixin", "spm.period.mixin"]
    _description = "Payout Run"
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, tracking=True)
    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="restrict", tracking=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, tracking=True, index=True)
    statement_ids = fields.One2many("spm.payout.statement", "run_id", string="Statements", readonly=True)
    compute_date = fields.Datetime(string="Computed On", readonly=True, copy=False)
    compute_cursor = fields.Integer(
        readonly=True,
        copy=False,
        help="Technical: the computation under way has done the salespeople up to this user id (a background "
        "computation resumes after it).",
    )
    # the run's own figures, over all its statements whoever looks at them
    statement_count = fields.Integer(string="Statements (all)", compute="_compute_run_figures", groups=TOTALS)
    approved_count = fields.Integer(string="Approved Statements", compute="_compute_run_figures", groups=TOTALS)
    total_amount = fields.Monetary(
        string="Run Total (all statements)",
        currency_field="currency_id",
        compute="_compute_run_figures",
        groups=TOTALS,
        help="What the run pays, over all its statements (including those you cannot open).",
    )
    # what the current user may see of it
    scope_statement_count = fields.Integer(string="Statements in Your Scope", compute="_compute_scope_figures")
    scope_amount = fields.Monetary(
        string="Your Scope Total",
        currency_field="currency_id",
        compute="_compute_scope_figures",
        help="What the run pays on the statements you can open.",
    )
    summary = fields.Char(compute="_compute_summary", groups=TOTALS)
    target_note = fields.Char(
        string="Targets", compute="_compute_target_note",
        help="Whether the run reads its salespeople's targets prorated by days (its period cuts their quota periods).",
    )  # fmt: skip

    @api.depends("statement_ids.amount", "statement_ids.approved_by_id")
    def _compute_run_figures(self):
        Statement = self.env["spm.payout.statement"].sudo()  # the run's own figures: every statement
        domain = [("run_id", "in", self._origin.ids)]
        totals = {
            run.id: (count, amount)
            for run, count, amount in Statement._read_group(domain, ["run_id"], ["__count", "amount:sum"])
        }
        approved = {
            run.id: count
            for run, count in Statement._read_group([*domain, ("approved_by_id", "!=", False)], ["run_id"], ["__count"])
        }
        for run in self:
            run.statement_count, run.total_amount = totals.get(run._origin.id, (0, 0.0))
            run.approved_count = approved.get(run._origin.id, 0)

    @api.depends("statement_ids.amount")
    @api.depends_context("uid")
    def _compute_scope_figures(self):
        # the current user's record rules apply: their scope, not the run
        totals = {
            run.id: (count, amount)
            for run, count, amount in self.env["spm.payout.statement"]._read_group(
                [("run_id", "in", self._origin.ids)], ["run_id"], ["__count", "amount:sum"]
            )
        }
        for run in self:
            run.scope_statement_count, run.scope_amount = totals.get(run._origin.id, (0, 0.0))

    @api.depends("plan_id", "date_from", "date_to")
    def _compute_target_note(self):
        for run in self:
            plan = run.plan_id.sudo()
            run.target_note = (
                plan._proration_note(plan._participants(), run.date_from, run.date_to)
                if plan and run.date_from and run.date_to and run.date_from <= run.date_to
                else False
            )

    @api.depends("statement_count", "approved_count", "total_amount", "scope_statement_count", "scope_amount")
    @api.depends_context("uid")
    def _compute_summary(self):
        for run in self:
            currency = run.currency_id or self.env.company.currency_id
            run.summary = self.env._(
                "Run total (all %(count)s statements): %(total)s · Your scope: %(scope_count)s statements, "
                "total %(scope_total)s · approved %(approved)s of %(count)s",
                count=run.statement_count,
                total=format_amount(self.env, run.total_amount, currency),
                scope_count=run.scope_statement_count,
                scope_total=format_amount(self.env, run.scope_amount, currency),
                approved=run.approved_count,
            )

    def _period_container(self):
        return self.plan_id

    @api.constrains("date_from", "date_to", "plan_id")
    def _check_overlap(self):
        for run in self:
            plan = run.plan_id
            overlap = self.search(
                [
                    ("id", "!=", run.id),
                    ("plan_id", "=", plan.id),
                    ("date_from", "<=", run.date_to),
                    ("date_to", ">=", run.date_from),
                ],
                limit=1,
            )
            if overlap:
                raise ValidationError(
                    self.env._(
                        "Runs %(run)s and %(other)s of the same plan overlap: a document would be paid twice.",
                        run=run.name,
                        other=overlap.name,
                    )
                )

    def _check_client_vals(self, vals):
        """Refuse what only the buttons and the computation write (state, computation, statements), and
        configuration changes by anyone but an administrator on a draft run that is not being computed.
        Server code (``env.su``) passes."""
        if self.env.su:
            return
        refused = access.field_labels(self, SERVER_FIELDS & set(vals))
        if refused:
            raise UserError(
                self.env._(
                    "%(fields)s of a payout run are written by its buttons (Compute, Approve, Lock, Reset to "
                    "Draft), never directly.",
                    fields=", ".join(refused),
                )
            )
        if CONFIG_FIELDS & set(vals):
            access.require(self.env, "admin", self.env._("Only an SPM administrator sets up payout runs."))
            for run in self.filtered(lambda run: run.state != "draft"):
                raise UserError(
                    self.env._(
                        "Payout run %(run)s is %(state)s: reset it to draft to change it.",
                        run=run.name,
                        state=dict(STATES)[run.state],
                    )
                )
            self._check_not_computing()

    def _check_not_computing(self):
        """Refuse to change or delete a run while its background computation runs."""
        for run in self:
            if run._running_job():
                raise UserError(
                    self.env._(
                        "Payout run %(run)s is being computed in the background: wait until it is done.",
                        run=run.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or any(vals.get(name) for name in SERVER_FIELDS - {"state"}):
                    raise UserError(
                        self.env._(
                            "A payout run starts as a draft without statements: compute it with its Compute button."
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        locked = self.filtered(lambda run: run.state == "locked")
        if locked:
            raise UserError(
                self.env._(
                    "Payout run %(runs)s is locked: a locked run never changes.",
                    runs=", ".join(locked.mapped("name")),
                )
            )
        self._check_client_vals(vals)
        stale = self.browse()
        if {"plan_id", "date_from", "date_to"} & set(vals):
            stale = self.filtered(lambda run: run.compute_date or run.compute_cursor)
        result = super().write(vals)
        if stale:  # statements of another plan or period: computed again before anyone approves them
            stale.sudo()._clear_statements()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(run.state != "draft" for run in self):
            raise UserError(self.env._("Only a draft payout run can be deleted."))
        self._check_not_computing()

    def action_compute(self):
        """Compute the statements of draft runs: at once for a few thousand salespeople and documents,
        else in the background (the form shows the progress). A computed run is computed again from
        scratch; one whose background computation stopped half-way is resumed."""
        access.require(self.env, "admin", self.env._("Only an SPM administrator computes payout runs."))
        for run in self:
            if run.state != "draft":
                raise UserError(self.env._("Only a draft run is computed: %(run)s is not.", run=run.name))
            plan = run.plan_id.sudo()
            mismatch = plan._period_mismatch(plan._participants(), run.date_from, run.date_to)
            if mismatch:
                raise UserError(self.env._("Payout run %(run)s: %(why)s", run=run.name, why=mismatch))
        if len(self) == 1:
            return self.sudo()._run_compute()
        for run in self.sudo():
            run._run_compute()
        return True

    def action_approve(self):
        """Approve the statements of the teams the user leads (an administrator: every statement);
        the run is approved once every statement is."""
        access.require(self.env, "manager", self.env._("A sales manager approves payout statements."))
        for run in self:
            if run.state != "draft" or not run.compute_date:
                raise UserError(self.env._("Compute the draft run %(run)s before approving it.", run=run.name))
        self._approve(self.env.user)
        return True

    def action_lock(self):
        access.require(self.env, "finance", self.env._("Finance locks payout runs."))
        for run in self:
            if run.state != "approved":
                raise UserError(
                    self.env._(
                        "Only an approved run can be locked: %(run)s has %(approved)s of its %(count)s statements "
                        "approved.",
                        run=run.name,
                        approved=run.sudo().approved_count,
                        count=run.sudo().statement_count,
                    )
                )
        self.sudo().write({"state": "locked"})
        return True

    def action_reset_draft(self):
        access.require(self.env, "admin", self.env._("Only an SPM administrator resets payout runs to draft."))
        for run in self:
            if run.state != "approved":
                raise UserError(self.env._("Only an approved run goes back to draft: %(run)s is not.", run=run.name))
        self.sudo()._reset_draft()
        return True

    def action_export_xlsx(self):
        """The run for payroll: one row per salesperson, and a detail sheet of every line."""
        self.ensure_one()
        access.require(self.env, "finance", self.env._("Payroll exports are for finance and administrators."))
        self.check_access("read")
        lines = self.env["spm.payout.line"].sudo().search_count([("statement_id.run_id", "=", self.id)])
        return self._download_xlsx(lines + len(self.sudo().statement_ids))

    def _export_filename(self):
        return f"{self.plan_id.name} - {self.name}.xlsx"

    def _approve(self, user):
        """Approve, as ``user``, the statements of ``self`` in their scope; approve the runs whose
        every statement is approved."""
        Statement = self.env["spm.payout.statement"].sudo()
        domain = [("run_id", "in", self.ids), ("approved_by_id", "=", False)]
        if not (self.env.su or user.has_group("spm_addon.group_spm_admin")):
            # a manager approves the teams they lead, never their own statement
            domain += [("team_id.user_id", "=", user.id), ("user_id", "!=", user.id)]
        statements = Statement.search(domain)
        for run in self:
            if not statements.filtered(lambda statement, run=run: statement.run_id == run):
                raise UserError(
                    self.env._(
                        "Nothing left for %(user)s to approve in payout run %(run)s: a manager approves the "
                        "statements of the teams they lead, an administrator the others.",
                        user=user.name,
                        run=run.name,
                    )
                )
        statements.write({"approved_by_id": user.id, "approved_date": fields.Datetime.now()})
        local = self.with_context(lang=user.lang or self.env.lang)  # in the words of whoever approves
        for run in self:
            mine = statements.filtered(lambda statement, run=run: statement.run_id == run)
            run.message_post(
                body=local.env._(
                    "%(user)s approved %(count)s statements (%(total)s): %(approved)s of %(all)s approved.",
                    user=user.name,
                    count=len(mine),
                    total=format_amount(local.env, sum(mine.mapped("amount")), run.currency_id),
                    approved=run.sudo().approved_count,
                    all=run.sudo().statement_count,
                )
            )
        done = self.sudo().filtered(lambda run: run.approved_count == run.statement_count)
        done.write({"state": "approved"})

    def _reset_draft(self):
        self.statement_ids.write({"approved_by_id": False, "approved_date": False})
        self.write({"state": "draft"})

    def _export_xlsx(self):
        """Every statement of the run (whoever computed them: the caller is finance or an
        administrator) on a payroll sheet, and every line on detail sheets (a new sheet past xlsx's
        1,048,576 rows), read a chunk of statements at a time and written row by row."""
        self.ensure_one()
        run = self.sudo()
        _ = self.env._
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True})  # rows written in order
        head = book.add_format({"bold": True, "bg_color": "#714B67", "font_color": "#FFFFFF", "border": 1})
        money = book.add_format({"num_format": "#,##0.00"})
        total = book.add_format({"num_format": "#,##0.00", "bold": True, "top": 2})
        pct = book.add_format({"num_format": '0.0" %"'})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        statements = run.statement_ids.sorted(lambda s: (s.user_id.name or "", s.id))
        summary = book.add_worksheet(_("Payroll")[:31])
        columns = [_("Employee ID"), _("Salesperson"), _("Login"), _("Sales Team"), _("Credited"), _("Target"),
                   _("Attainment (%)"), _("Commission"), _("To Pay"), _("Currency")]  # fmt: skip
        for col, title in enumerate(columns):
            summary.write(0, col, title, head)
        for row, statement in enumerate(statements, start=1):
            employee = statement.user_id.employee_ids[:1]
            summary.write(row, 0, employee.barcode or employee.id or "")
            summary.write(row, 1, statement.user_id.name)
            summary.write(row, 2, statement.user_id.login)
            summary.write(row, 3, statement.team_id.name or "")
            summary.write_number(row, 4, statement.credited_amount, money)
            summary.write_number(row, 5, statement.target, money)
            summary.write_number(row, 6, statement.attainment, pct)
            summary.write_number(row, 7, statement.commission, money)
            summary.write_number(row, 8, statement.amount, money)
            summary.write(row, 9, statement.currency_id.name)
        last = len(statements) + 1
        summary.write(last, 1, _("Total"), total)
        summary.write_formula(last, 8, f"=SUM(I2:I{last})", total, sum(statements.mapped("amount")))
        summary.set_column(0, 3, 22)
        summary.set_column(4, 9, 15)
        columns = [_("Salesperson"), _("Document"), _("Date"), _("Credited"), _("Effective Rate (%)"), _("Amount"),
                   _("Rule and Tier"), _("Clawback Of")]  # fmt: skip
        detail, row, sheets = None, XLSX_ROWS, 0
        to_date = fields.Datetime.to_datetime
        # each distinct explanation in words once, in the exporter's language: a dict lookup per line
        renderer, rules = explain.Renderer(self.env, run.currency_id), {}
        for chunk in split_every(EXPORT_CHUNK, statements.ids, statements.browse):
            for name, line in run._export_lines(chunk):
                if row == XLSX_ROWS:  # a new detail sheet: the first one, or the last is full
                    sheets += 1
                    title = _("Detail") if sheets == 1 else _("Detail (%(number)s)", number=sheets)
                    detail, row = book.add_worksheet(title[:31]), 1
                    for col, text in enumerate(columns):
                        detail.write(0, col, text, head)
                    detail.set_column(0, 1, 24)
                    detail.set_column(2, 5, 14)
                    detail.set_column(6, 6, 60)
                reference, date, credited, rate, amount, rule, origin = line
                detail.write(row, 0, name)
                detail.write(row, 1, reference or "")
                if date:
                    detail.write_datetime(row, 2, to_date(date), day)
                detail.write_number(row, 3, credited or 0.0, money)
                detail.write_number(row, 4, rate or 0.0)
                detail.write_number(row, 5, amount or 0.0, money)
                text = rules.get(rule)
                if text is None:
                    text = rules[rule] = renderer.render(rule)
                detail.write(row, 6, text)
                detail.write(row, 7, origin or "")
                row += 1
        book.close()
        return output.getvalue()

    def _export_lines(self, statements):
        """(salesperson, (document, date, credited, rate, amount, rule, clawback of)) of every line of
        ``statements`` (rule: the JSON text of its explanation), in their order, each statement's lines
        by date: one query, the documents' names
        read once per model (in SQL for orders, order lines and invoices, as their names read)."""
        Line = self.env["spm.payout.line"]
        Line.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT statement_id, id, document_date, credited_amount, rate, amount, rule_data::text, origin_line_id,
                       res_model, res_id
                  FROM spm_payout_line WHERE statement_id = ANY(%s) ORDER BY statement_id, document_date, id
                """,
                statements.ids,
            )
        )
        names = self._document_names(rows)
        others = [row[1] for row in rows if row[1] not in names] + [row[7] for row in rows if row[7]]
        references = Line.browse(set(others))
        names.update(zip(references.ids, references.mapped("reference"), strict=True))
        by_statement = defaultdict(list)
        for statement_id, line_id, date, credited, rate, amount, rule, origin, _model, _res_id in rows:
            by_statement[statement_id].append((names[line_id], date, credited, rate, amount, rule, names.get(origin)))
        for statement in statements:
            name = statement.user_id.name
            for line in by_statement[statement.id]:
                yield name, line

    def _document_names(self, rows):
        """{line id: document name} of the lines of ``rows`` pointing to sale orders, order lines (or
        sale.report's rows of them) and invoices, read in SQL (a million order lines' display names
        through the ORM take an hour): an order line reads as its order and the first line of its
        description (else its product, in the reader's language) and its customer, as in Odoo."""
        queries = {
            "sale.order": "SELECT id, name FROM sale_order WHERE id = ANY(%(ids)s)",
            "account.move": "SELECT id, name FROM account_move WHERE id = ANY(%(ids)s)",
            "sale.order.line": """
                SELECT l.id, o.name || ' - '
                       || COALESCE(NULLIF(split_part(l.name, E'\\n', 1), ''), t.name->>%(lang)s, t.name->>'en_US')
                       || COALESCE(' (' || COALESCE(NULLIF(c.ref, ''), c.name) || ')', '')
                  FROM sale_order_line l
                  JOIN sale_order o ON o.id = l.order_id
             LEFT JOIN res_partner op ON op.id = o.partner_id
             LEFT JOIN res_partner c ON c.id = op.commercial_partner_id
             LEFT JOIN product_product p ON p.id = l.product_id
             LEFT JOIN product_template t ON t.id = p.product_tmpl_id
                 WHERE l.id = ANY(%(ids)s) AND (COALESCE(l.name, '') != '' OR t.id IS NOT NULL)
            """,
        }
        by_model = defaultdict(list)
        for row in rows:
            model = DOCUMENT_OF.get(row[8], (row[8],))[0]
            if model in queries and model in self.env:
                by_model[model].append(row)
        names = {}
        for model, lines in by_model.items():
            self.env[model].flush_model()
            ids = list({row[9] for row in lines})
            found = dict(self.env.execute_query(SQL(queries[model], ids=ids, lang=self.env.lang or "en_US")))
            names.update((row[1], found[row[9]]) for row in lines if row[9] in found)
        return names
