import io
from collections import defaultdict
from datetime import timedelta

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_round, format_amount

from ..engine import allocation, clawbacks
from ..tools import access, bulk, xlsx

STATES = [("draft", "Draft"), ("approved", "Approved"), ("locked", "Locked")]
CONFIG_FIELDS = {"name", "plan_id", "date_from", "date_to"}  # an administrator sets them on a draft run
TOTALS = "spm_addon.group_spm_manager,spm_addon.group_spm_finance"


class SpmPayoutRun(models.Model):
    """The commissions of one plan for one period: a statement per participant, each line traced to
    its source document. Draft runs are recomputed from scratch; each manager approves the statements
    of the teams they lead (an administrator any), and the run is approved once all are; finance locks
    approved runs; locked runs never change. States and figures move only through the buttons."""

    _name = "spm.payout.run"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.period.mixin"]
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
    compute_date = fields.Datetime(string="Computed On", readonly=True)
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
        """Refuse what only the buttons and the computation write (state, computation date,
        statements), and configuration changes by anyone but an administrator on a draft run. Server
        code (``env.su``) passes."""
        if self.env.su:
            return
        mail_fields = set(self.env["mail.thread"]._fields) | set(self.env["mail.activity.mixin"]._fields)
        refused = sorted(f for f in vals if f not in CONFIG_FIELDS and f not in mail_fields and not f.startswith("x_"))
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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or vals.get("compute_date") or vals.get("statement_ids"):
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
        stale = self.filtered("compute_date") if {"plan_id", "date_from", "date_to"} & set(vals) else self.browse()
        result = super().write(vals)
        if stale:  # statements of another plan or period: computed again before anyone approves them
            stale.sudo().statement_ids.unlink()
            stale.sudo().compute_date = False
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(run.state != "draft" for run in self):
            raise UserError(self.env._("Only a draft payout run can be deleted."))

    def action_compute(self):
        access.require(self.env, "admin", self.env._("Only an SPM administrator computes payout runs."))
        for run in self:
            if run.state != "draft":
                raise UserError(self.env._("Only a draft run is computed: %(run)s is not.", run=run.name))
        for run in self.sudo():
            run._compute_statements()
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
        content = self.sudo()._export_xlsx()  # every statement of the run, whoever computed them
        return xlsx.download_action(self, f"{self.plan_id.name} - {self.name}.xlsx", content)

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
        for run in self:
            mine = statements.filtered(lambda statement, run=run: statement.run_id == run)
            run.message_post(
                body=self.env._(
                    "%(user)s approved %(count)s statements (%(total)s): %(approved)s of %(all)s approved.",
                    user=user.name,
                    count=len(mine),
                    total=format_amount(self.env, sum(mine.mapped("amount")), run.currency_id),
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
        self.ensure_one()
        _ = self.env._
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        head = book.add_format({"bold": True, "bg_color": "#714B67", "font_color": "#FFFFFF", "border": 1})
        money = book.add_format({"num_format": "#,##0.00"})
        total = book.add_format({"num_format": "#,##0.00", "bold": True, "top": 2})
        pct = book.add_format({"num_format": '0.0" %"'})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        statements = self.statement_ids.sorted(lambda s: s.user_id.name or "")
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
        detail = book.add_worksheet(_("Detail")[:31])
        columns = [_("Salesperson"), _("Document"), _("Date"), _("Credited"), _("Effective Rate (%)"), _("Amount"),
                   _("Rule and Tier"), _("Clawback Of")]  # fmt: skip
        for col, title in enumerate(columns):
            detail.write(0, col, title, head)
        row = 1
        for statement in statements:
            for line in statement.line_ids:
                detail.write(row, 0, statement.user_id.name)
                detail.write(row, 1, line.reference or "")
                if line.document_date:
                    detail.write_datetime(row, 2, fields.Datetime.to_datetime(line.document_date), day)
                detail.write_number(row, 3, line.credited_amount, money)
                detail.write_number(row, 4, line.rate)
                detail.write_number(row, 5, line.amount, money)
                detail.write(row, 6, line.rule or "")
                detail.write(row, 7, line.origin_line_id.reference or "")
                row += 1
        detail.set_column(0, 1, 24)
        detail.set_column(2, 5, 14)
        detail.set_column(6, 6, 60)
        book.close()
        return output.getvalue()

    def _compute_statements(self):
        """Statements and lines of every participant, from scratch (a draft recomputed twice gives the
        same result): credited documents in one query, targets in one query, the commission of
        each participant spread over their documents, and clawbacks of documents paid by locked runs
        that no longer count. Server code: the caller checked who asks."""
        self.ensure_one()
        plan = self.plan_id
        users = plan._participants()
        self.statement_ids.unlink()
        model = plan.measure_id.sudo().model_name
        by_user, own_rate = plan._credited(users, self.date_from, self.date_to)
        shares = plan._split_shares()
        # credit notes of invoices a locked run paid reopen the invoice's period (see _clawbacks):
        # they are not netted in this run's own total
        paid_refunds = self._paid_refunds(model, {doc for docs in by_user.values() for doc, _d, v in docs if v < 0})
        if paid_refunds:
            by_user = {
                user_id: [row for row in docs if row[0] not in paid_refunds] for user_id, docs in by_user.items()
            }
        extras = self._spif_lines(users)
        for user_id, lines in self._grade_bonus_lines(users).items():
            extras[user_id] += lines
        targets = plan._targets(users, self.date_from, self.date_to)
        clawback_rows = self._clawbacks()
        for user_id, rows in self._dispute_adjustments(users).items():
            clawback_rows[user_id] += rows
        leader_of = plan._override_leaders(users)
        members_of = defaultdict(list)  # leader id: member ids, so each leader reads only their team
        for member_id, leader_id in leader_of.items():
            members_of[leader_id].append(member_id)
        drawn = self._draw_balances(users) if plan.draw_recoverable else {}
        statements, line_rows = [], []
        participant_ids = set(users.ids)
        # former participants still owe the clawbacks of the periods they were paid in
        payees = users | self.env["res.users"].browse(set(leader_of.values()) | set(clawback_rows))
        for user in payees:
            docs = by_user.get(user.id, [])
            credited = sum(value for _doc, _day, value in docs)
            target = targets.get(user.id, 0.0)
            base = sum(value for doc, _day, value in docs if doc not in own_rate)
            extra = sum(value * own_rate[doc] / 100.0 for doc, _day, value in docs if doc in own_rate)
            attainment, amount, rate, detail = plan._commission(credited, target, base, extra)
            # each document's share: the plan's commission on the base pro rata, category rates on
            # their own documents, all scaled to the commission after the gate and the cap
            tier_amount = plan._tier_amount(credited, target, base)
            raw = [
                value * own_rate[doc] / 100.0 if doc in own_rate else (tier_amount * value / base if base else 0.0)
                for doc, _day, value in docs
            ]
            parts = allocation.proportional(amount, raw)
            split_detail = self.env._("Split credit; %(rule)s", rule=detail) if shares else detail
            rows = [
                (
                    model,
                    doc_id,
                    day,
                    value,
                    part / value * 100.0 if own_rate and value else rate,
                    part,
                    (
                        self.env._("Category rate %(rate)s %%", rate=own_rate[doc_id])
                        if doc_id in own_rate
                        else split_detail
                        if doc_id in shares
                        else detail
                    ),
                    None,
                    "commission",
                )
                for (doc_id, day, value), part in zip(docs, parts, strict=True)
            ]
            rows += extras.get(user.id, []) + clawback_rows.get(user.id, [])
            for member_id in members_of.get(user.id, ()):
                member_credit = sum(value for _doc, _day, value in by_user.get(member_id, []))
                if member_credit:
                    rows.append(
                        ("res.users", member_id, self.date_to, member_credit, plan.override_rate,
                         plan.currency_id.round(member_credit * plan.override_rate / 100.0),
                         self.env._("Team leader override: %(rate)s %% of the team member's credit",
                                    rate=plan.override_rate),
                         None, "override")
                    )  # fmt: skip
            if user.id in participant_ids and plan.draw_amount:
                rows += self._draw_rows(user, amount, drawn.get(user.id, 0.0))
            if not rows and not target:
                continue
            statements.append(
                {
                    "run_id": self.id,
                    "user_id": user.id,
                    "credited_amount": credited,
                    "target": target,
                    "attainment": attainment,
                    "commission": amount,
                    "rule": detail,
                }
            )
            line_rows.append(rows)
        del by_user  # a million rows at bench scale: the line rows hold what is needed
        self.env.flush_all()
        statement_ids = self._insert_statements(statements)
        self._insert_lines(statement_ids, line_rows)
        self.invalidate_recordset()
        self.compute_date = fields.Datetime.now()

    def _insert_statements(self, statements):
        """Statements (dicts of their stored fields) in one COPY: a run has one per salesperson, ten
        thousand at bench scale. Nothing here needs the ORM's create: statements are computed, never
        typed in, and the run's chatter records who computed them. Returns their ids, in order."""
        cr = self.env.cr
        ids = bulk.reserve_ids(cr, "spm_payout_statement", len(statements))
        users = self.env["res.users"].browse({vals["user_id"] for vals in statements})
        team_of = {user.id: user.sale_team_id.id or None for user in users}
        now, uid = fields.Datetime.now(), self.env.uid
        columns = ["id", "run_id", "plan_id", "company_id", "state", "user_id", "team_id", "credited_amount",
                   "target", "attainment", "commission", "rule", "amount", "create_uid", "create_date",
                   "write_uid", "write_date"]  # fmt: skip
        run, plan, company, state = self.id, self.plan_id.id, self.company_id.id, self.state
        money = self.currency_id.round  # as the ORM rounds monetary and float fields it stores
        rows = [
            (statement_id, run, plan, company, state, vals["user_id"], team_of[vals["user_id"]],
             money(vals["credited_amount"]), money(vals["target"]), float_round(vals["attainment"], 1),
             money(vals["commission"]), vals["rule"], 0.0, uid, now, uid, now)
            for statement_id, vals in zip(ids, statements, strict=True)
        ]  # fmt: skip
        bulk.copy_rows(cr, "spm_payout_statement", columns, rows)
        self.env["spm.payout.statement"].invalidate_model()
        self.invalidate_recordset(["statement_ids"])
        return ids

    def _insert_lines(self, statement_ids, line_rows):
        """Payout lines in one COPY (a run pays on up to millions of documents), then each statement's
        total in one UPDATE. Numbers go in as Python writes them; only the texts are escaped, each
        distinct text once."""
        cr = self.env.cr
        count = sum(len(rows) for rows in line_rows)
        ids = iter(bulk.reserve_ids(cr, "spm_payout_line", count))
        columns = ["id", "statement_id", "res_model", "res_id", "document_date", "credited_amount", "rate", "amount",
                   "rule", "origin_line_id", "kind"]  # fmt: skip
        texts = {}

        def text(value):
            if value not in texts:
                texts[value] = bulk.copy_text(value)
            return texts[value]

        bulk.copy_rows(
            cr,
            "spm_payout_line",
            columns,
            (
                (next(ids), statement_id, model, doc_id, text(day), value, rate, amount, text(rule), text(origin), kind)
                for statement_id, rows in zip(statement_ids, line_rows, strict=True)
                for model, doc_id, day, value, rate, amount, rule, origin, kind in rows
            ),
            formatted=True,
        )
        cr.execute(
            """
            UPDATE spm_payout_statement s
               SET amount = COALESCE((SELECT SUM(l.amount) FROM spm_payout_line l WHERE l.statement_id = s.id), 0)
             WHERE s.run_id = %s
            """,
            [self.id],
        )
        self.env["spm.payout.line"].invalidate_model()
        self.env["spm.payout.statement"].invalidate_model()

    def _locked_domain(self):
        """Payout lines of the plan's locked runs."""
        return [("statement_id.run_id.plan_id", "=", self.plan_id.id), ("statement_id.run_id.state", "=", "locked")]

    def _paid_refunds(self, model, doc_ids):
        """Credit notes among ``doc_ids`` whose invoice a locked run of the plan paid."""
        if model != "account.move" or not doc_ids:
            return set()
        refunds = self.env["account.move"].sudo().browse(doc_ids).filtered("reversed_entry_id")
        if not refunds:
            return set()
        paid = set(
            self.env["spm.payout.line"]
            .sudo()
            .search(
                [
                    *self._locked_domain(),
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", refunds.reversed_entry_id.ids),
                    ("kind", "=", "commission"),
                ]
            )
            .mapped("res_id")
        )
        return {refund.id for refund in refunds if refund.reversed_entry_id.id in paid}

    def _draw_rows(self, user, commission, outstanding):
        """A draw tops the commission up to the plan's draw; a recoverable draw is taken back from
        later commissions above it."""
        plan = self.plan_id
        if commission < plan.draw_amount:
            return [
                ("res.users", user.id, self.date_to, commission, 0.0, plan.draw_amount - commission,
                 self.env._("Draw: commission topped up to %(draw)s", draw=plan.draw_amount), None, "draw")
            ]  # fmt: skip
        recovered = min(outstanding, commission - plan.draw_amount)
        if recovered > 0:
            return [
                ("res.users", user.id, self.date_to, commission, 0.0, -recovered,
                 self.env._("Recovery of earlier draws (%(outstanding)s outstanding)", outstanding=outstanding),
                 None, "recovery")
            ]  # fmt: skip
        return []

    def _draw_balances(self, users):
        """{user id: recoverable draws paid by locked runs of the plan and not recovered yet}."""
        rows = (
            self.env["spm.payout.line"]
            .sudo()
            ._read_group(
                [
                    ("statement_id.run_id.plan_id", "=", self.plan_id.id),
                    ("statement_id.run_id.state", "=", "locked"),
                    ("kind", "in", ("draw", "recovery")),
                    ("statement_id.user_id", "in", users.ids),
                ],
                ["statement_id"],
                ["amount:sum"],
            )
        )
        balances = defaultdict(float)
        for statement, total in rows:
            balances[statement.user_id.id] += total
        return balances

    def _spif_lines(self, users):
        """{user id: [line vals]}: SPIF bonuses on confirmed order lines of promoted products, dated
        inside both the SPIF and the run (one query per SPIF)."""
        result = defaultdict(list)
        for spif in self.plan_id.spif_ids:
            date_from, date_to = max(spif.date_from, self.date_from), min(spif.date_to, self.date_to)
            if date_from > date_to:
                continue
            domain = [
                ("order_id.state", "=", "sale"),
                ("order_id.user_id", "in", users.ids),
                ("order_id.company_id", "=", self.company_id.id),
                ("order_id.date_order", ">=", date_from),
                ("order_id.date_order", "<", date_to + timedelta(days=1)),
            ]
            products = [("product_id", "in", spif.product_ids.ids)] if spif.product_ids else []
            if spif.categ_id:
                products = expression.OR([products, [("product_id.categ_id", "child_of", spif.categ_id.id)]])
            lines = self.env["sale.order.line"].sudo().search(expression.AND([domain, products]))
            for line in lines:
                quantity = line.product_uom_qty if spif.basis == "unit" else 1.0
                result[line.order_id.user_id.id].append(
                    (
                        "sale.order.line",
                        line.id,
                        line.order_id.date_order.date(),
                        quantity,
                        0.0,
                        spif.currency_id.round(quantity * spif.amount),
                        self.env._(
                            "SPIF %(spif)s: %(quantity)s x %(amount)s",
                            spif=spif.name,
                            quantity=quantity,
                            amount=spif.amount,
                        ),
                        None,
                        "spif",
                    )
                )
        return result

    def _grade_bonus_lines(self, users):
        """{user id: [line vals]}: grade bonuses of the appraisals published in campaigns that end
        inside the run."""
        bonuses = {bonus.grade: bonus.amount for bonus in self.plan_id.grade_bonus_ids}
        result = defaultdict(list)
        if not bonuses:
            return result
        appraisals = (
            self.env["spm.appraisal"]
            .sudo()
            .search(
                [
                    ("user_id", "in", users.ids),
                    ("state", "=", "done"),
                    ("campaign_id.date_to", ">=", self.date_from),
                    ("campaign_id.date_to", "<=", self.date_to),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        )
        for appraisal in appraisals:
            grade = appraisal.final_grade_id.name
            if grade in bonuses:
                result[appraisal.user_id.id].append(
                    (
                        "spm.appraisal",
                        appraisal.id,
                        appraisal.date_to,
                        0.0,
                        0.0,
                        bonuses[grade],
                        self.env._("Bonus for grade %(grade)s", grade=grade),
                        None,
                        "bonus",
                    )
                )
        return result

    def _dispute_adjustments(self, users):
        """{user id: [line rows]}: accepted disputes of the plan not yet paid by a locked run."""
        disputes = (
            self.env["spm.payout.dispute"]
            .sudo()
            .search([("plan_id", "=", self.plan_id.id), ("state", "=", "accepted"), ("user_id", "in", users.ids)])
        )
        paid = set(
            self.env["spm.payout.line"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "spm.payout.dispute"),
                    ("res_id", "in", disputes.ids),
                    ("statement_id.run_id.state", "=", "locked"),
                ]
            )
            .mapped("res_id")
        )
        result = defaultdict(list)
        for dispute in disputes.filtered(lambda d: d.id not in paid):
            result[dispute.user_id.id].append(
                (
                    "spm.payout.dispute",
                    dispute.id,
                    fields.Date.to_date(dispute.resolved_date or dispute.write_date),
                    0.0,
                    0.0,
                    dispute.adjustment_amount,
                    self.env._("Accepted dispute on %(reference)s", reference=dispute.line_id.reference),
                    None,
                    "dispute",
                )
            )
        return result

    def _clawbacks(self):
        """{user id: [line rows]}: the periods reopened by documents that locked runs of the plan paid
        and that stopped counting since (a cancelled order, a credit note of a paid invoice).

        For each statement paid on such documents, the commission of its period is recomputed on the
        net credited total (its credited amount minus everything that no longer counts, earlier locked
        clawbacks included) with the plan's tiers, gate and caps and the statement's target; the
        difference with what was paid (its commission and the clawbacks already locked) is clawed
        back, spread over the documents removed now in proportion to their credited value."""
        plan = self.plan_id
        measure = plan.measure_id.sudo()
        model = measure.model_name
        Line = self.env["spm.payout.line"].sudo()
        # only the paid lines concerned, found in SQL: their document stopped counting, or (invoices) a
        # counted credit note reverses it
        records = self.env[model].sudo().with_context(active_test=False)
        affected = [("res_id", "not in", records._search(measure._get_domain()))]
        if model == "account.move":
            refunds = records._search([*measure._get_domain(), ("reversed_entry_id", "!=", False)])
            reversed_ids = refunds.subselect(SQL.identifier(refunds.table, "reversed_entry_id"))
            affected = expression.OR([affected, [("res_id", "in", reversed_ids)]])
        paid = Line.search(
            [
                *self._locked_domain(),
                ("res_model", "=", model),
                ("kind", "=", "commission"),
                ("origin_line_id", "=", False),
                ("credited_amount", ">", 0),
                *affected,
            ]
        )
        if not paid:
            return defaultdict(list)
        earlier = Line.search([*self._locked_domain(), ("kind", "=", "clawback"), ("origin_line_id", "in", paid.ids)])
        done = {(line.res_model, line.res_id) for line in earlier}
        remaining = {line.id: line.credited_amount for line in paid}  # what still counts of each paid line
        for line in earlier:
            remaining[line.origin_line_id.id] += line.credited_amount
        removals = defaultdict(list)  # statement: [(origin line, model, id, date, removed value, reference)]
        still = set(records.search([("id", "in", paid.mapped("res_id")), *measure._get_domain()]).ids)
        for line in paid:
            if line.res_id not in still and (model, line.res_id) not in done and remaining[line.id] > 0:
                removals[line.statement_id].append(
                    (line, model, line.res_id, line.document_date, remaining[line.id], line.reference)
                )
                remaining[line.id] = 0.0
        if model == "account.move":
            self._refund_removals(paid, remaining, removals)
        categ_rates = plan._category_rates() if plan.category_rate_ids else {}
        rate_of = self._document_rates(measure, paid, categ_rates) if categ_rates else {}
        result = defaultdict(list)
        for statement, items in removals.items():
            result[statement.user_id.id] += self._reopen(
                statement, items, earlier.filtered(lambda line, s=statement: line.origin_line_id.statement_id == s),
                rate_of,
            )  # fmt: skip
        return result

    def _refund_removals(self, paid, remaining, removals):
        """Add to ``removals`` the credit notes (up to the end of this run) of invoices in ``paid`` that no
        locked run counted yet: each removes its value from the invoice's lines, in proportion to
        their credit when the invoice was split."""
        plan = self.plan_id
        lines_of = paid.grouped("res_id")  # invoice id: its paid lines, one per credited salesperson
        rows = plan.measure_id._read_documents(
            plan.date_from,
            self.date_to,
            domain=[("reversed_entry_id", "in", list(lines_of))],
            company_ids=plan.company_id.ids,
        )
        refunds = {row[0]: row for row in rows if row[3] < 0}
        counted = set(
            self.env["spm.payout.line"]
            .sudo()
            .search([*self._locked_domain(), ("res_model", "=", "account.move"), ("res_id", "in", list(refunds))])
            .mapped("res_id")
        )
        for refund in self.env["account.move"].sudo().browse(sorted(set(refunds) - counted)):
            _id, _user, day, value, *_categ = refunds[refund.id]
            lines = lines_of[refund.reversed_entry_id.id]
            total = sum(lines.mapped("credited_amount"))
            for line in lines:
                removed = min(-value * line.credited_amount / total, remaining[line.id])
                if removed > 0:
                    removals[line.statement_id].append(
                        (line, "account.move", refund.id, day, removed, refund.display_name)
                    )
                    remaining[line.id] -= removed

    def _document_rates(self, measure, lines, categ_rates):
        """{document id: its category's own rate} of the documents of ``lines``."""
        field = measure.categ_field_id.name
        records = self.env[measure.model_name].sudo().with_context(active_test=False).browse(lines.mapped("res_id"))
        return {
            record.id: categ_rates[record[field].id] for record in records.exists() if record[field].id in categ_rates
        }

    def _reopen(self, statement, items, earlier, rate_of):
        """Clawback rows of ``statement``'s period reopened by the removals ``items``, after the locked
        clawbacks ``earlier``."""
        plan = self.plan_id
        currency = plan.currency_id
        own = statement.line_ids.filtered(
            lambda line: line.kind == "commission" and not line.origin_line_id and line.res_id in rate_of
        )
        base = statement.credited_amount - sum(own.mapped("credited_amount"))
        extra = sum(line.credited_amount * rate_of[line.res_id] / 100.0 for line in own)
        removed = [(line.origin_line_id, -line.credited_amount) for line in earlier]
        removed += [(origin, value) for origin, _model, _id, _day, value, _ref in items]
        for origin, value in removed:
            if origin.res_id in rate_of:
                extra -= value * rate_of[origin.res_id] / 100.0
            else:
                base -= value
        net = clawbacks.net_credited(
            statement.credited_amount, [-line.credited_amount for line in earlier], [item[4] for item in items]
        )
        _attainment, recomputed, _rate, detail = plan._commission(net, statement.target, base, extra)
        paid = statement.commission + sum(earlier.mapped("amount"))
        parts = clawbacks.reopened_period(paid, recomputed, [item[4] for item in items], currency.decimal_places)
        rows = []
        for (origin, res_model, res_id, day, value, reference), part in zip(items, parts, strict=True):
            rows.append(
                (
                    res_model,
                    res_id,
                    day,
                    -value,
                    -part / value * 100.0 if value else 0.0,
                    part,
                    self.env._(
                        "Clawback: %(reference)s no longer counts. %(run)s recomputed on %(net)s credited: "
                        "%(amount)s (%(detail)s) instead of %(paid)s paid",
                        reference=reference,
                        run=statement.run_id.name,
                        net=format_amount(self.env, net, currency),
                        amount=format_amount(self.env, recomputed, currency),
                        detail=detail,
                        paid=format_amount(self.env, paid, currency),
                    ),
                    origin.id,
                    "clawback",
                )
            )
        return rows
