import io
from collections import defaultdict
from datetime import timedelta

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import float_round

from ..engine import allocation
from ..tools import bulk, xlsx

STATES = [("draft", "Draft"), ("approved", "Approved by Manager"), ("locked", "Locked")]


class SpmPayoutRun(models.Model):
    """The commissions of one plan for one period: a statement per participant, each line traced to
    its source document. Draft runs are recomputed from scratch; approved runs wait for finance;
    locked runs never change."""

    _name = "spm.payout.run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Payout Run"
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, tracking=True)
    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="restrict", tracking=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, index=True)
    statement_ids = fields.One2many("spm.payout.statement", "run_id", string="Statements")
    total_amount = fields.Monetary(compute="_compute_total_amount", currency_field="currency_id")
    compute_date = fields.Datetime(string="Computed On", readonly=True)

    @api.depends("statement_ids.amount")
    def _compute_total_amount(self):
        for run in self:
            run.total_amount = sum(run.statement_ids.mapped("amount"))

    @api.constrains("date_from", "date_to", "plan_id")
    def _check_period(self):
        for run in self:
            plan = run.plan_id
            if run.date_to < run.date_from:
                raise ValidationError(self.env._("Run %(run)s ends before it starts.", run=run.name))
            if run.date_from < plan.date_from or run.date_to > plan.date_to:
                raise ValidationError(self.env._("Run %(run)s must lie inside the plan's period.", run=run.name))
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

    def write(self, vals):
        if any(run.state == "locked" for run in self) and not self.env.context.get("spm_payout_unlock"):
            raise UserError(self.env._("A locked payout run never changes."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(run.state != "draft" for run in self):
            raise UserError(self.env._("Only a draft payout run can be deleted."))

    def action_compute(self):
        for run in self:
            if run.state != "draft":
                raise UserError(self.env._("Only a draft run is computed: %(run)s is not.", run=run.name))
            run._compute_statements()
        return True

    def action_approve(self):
        if not self.env.user.has_group("spm_addon.group_spm_manager"):
            raise UserError(self.env._("A sales manager approves payout runs."))
        for run in self:
            if run.state != "draft" or not run.statement_ids:
                raise UserError(self.env._("Compute the draft run %(run)s before approving it.", run=run.name))
        self.state = "approved"
        return True

    def action_lock(self):
        if not self.env.user.has_group("spm_addon.group_spm_finance"):
            raise UserError(self.env._("Finance locks payout runs."))
        for run in self:
            if run.state != "approved":
                raise UserError(self.env._("Only an approved run can be locked."))
        self.with_context(spm_payout_unlock=True).state = "locked"
        return True

    def action_reset_draft(self):
        for run in self:
            if run.state != "approved":
                raise UserError(self.env._("Only an approved run goes back to draft."))
        self.state = "draft"
        return True

    def action_export_xlsx(self):
        """The run for payroll: one row per salesperson, and a detail sheet of every line."""
        self.ensure_one()
        return xlsx.download_action(self, f"{self.plan_id.name} - {self.name}.xlsx", self._export_xlsx())

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
        that no longer count."""
        self.ensure_one()
        plan = self.plan_id
        users = plan._participants()
        self.statement_ids.unlink()
        company_ids = plan.company_id.ids
        shares = plan._split_shares()
        categ_rates = plan._category_rates() if plan.category_rate_ids else {}
        documents = plan.measure_id._read_documents(
            self.date_from,
            self.date_to,
            domain=["|", *plan.measure_id._owner_domain(users.ids), ("id", "in", list(shares))],
            company_ids=company_ids,
            with_categ=bool(categ_rates),
        )
        by_user = defaultdict(list)
        own_rate = {}  # document id: its category's rate
        for doc_id, user_id, day, value, *categ in documents:
            if categ and categ[0] in categ_rates:
                own_rate[doc_id] = categ_rates[categ[0]]
            for share_user, percent in shares.get(doc_id, [(user_id, 100.0)]):
                by_user[share_user].append((doc_id, day, value * percent / 100.0))
        extras = self._spif_lines(users)
        for user_id, lines in self._grade_bonus_lines(users).items():
            extras[user_id] += lines
        targets = self.env["spm.quota.line"]._read_user_targets(
            plan.quota_measure_id or plan.measure_id, users.ids, self.date_from, self.date_to, company_ids
        )
        clawbacks = self._clawbacks(users)
        for user_id, rows in self._dispute_adjustments(users).items():
            clawbacks[user_id] += rows
        model = plan.measure_id.sudo().model_name
        refunded = self._refund_origins(model, [doc for doc, _user, _day, value, *_c in documents if value < 0])
        del documents  # a million rows at bench scale: by_user holds what is needed
        leader_of = plan._override_leaders(users)
        members_of = defaultdict(list)  # leader id: member ids, so each leader reads only their team
        for member_id, leader_id in leader_of.items():
            members_of[leader_id].append(member_id)
        drawn = self._draw_balances(users) if plan.draw_recoverable else {}
        statements, line_rows = [], []
        participant_ids = set(users.ids)
        for user in users | self.env["res.users"].browse(set(leader_of.values())):
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
                    refunded.get(doc_id),
                    "clawback" if doc_id in refunded else "commission",
                )
                for (doc_id, day, value), part in zip(docs, parts, strict=True)
            ]
            rows += extras.get(user.id, []) + clawbacks.get(user.id, [])
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
        self.env.flush_all()
        statement_ids = self._insert_statements(statements)
        self._insert_lines(statement_ids, line_rows)
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

    def _refund_origins(self, model, doc_ids):
        """{credit note id: the line of a locked run that paid on the invoice it reverses}: a refund
        credited in this run claws back against the original line."""
        if model != "account.move" or not doc_ids:
            return {}
        refunds = self.env["account.move"].sudo().browse(doc_ids).filtered("reversed_entry_id")
        paid = (
            self.env["spm.payout.line"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", refunds.reversed_entry_id.ids),
                    ("statement_id.run_id.plan_id", "=", self.plan_id.id),
                    ("statement_id.run_id.state", "=", "locked"),
                    ("amount", ">", 0),
                ]
            )
        )
        line_of = {line.res_id: line.id for line in paid}
        return {
            refund.id: line_of[refund.reversed_entry_id.id]
            for refund in refunds
            if refund.reversed_entry_id.id in line_of
        }

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
                    fields.Date.to_date(dispute.write_date),
                    0.0,
                    0.0,
                    dispute.adjustment_amount,
                    self.env._("Accepted dispute on %(reference)s", reference=dispute.line_id.reference),
                    None,
                    "dispute",
                )
            )
        return result

    def _clawbacks(self, users):
        """{user id: [line vals]}: lines paid by locked runs of the plan whose document no longer counts
        (cancelled order, reversed invoice...) and were not clawed back yet, reversed."""
        Line = self.env["spm.payout.line"]
        paid = Line.search(
            [
                ("statement_id.run_id.plan_id", "=", self.plan_id.id),
                ("statement_id.run_id.state", "=", "locked"),
                ("res_model", "=", self.plan_id.measure_id.sudo().model_name),  # credited documents only
                ("amount", ">", 0),
                ("origin_line_id", "=", False),
                ("user_id", "in", users.ids),
            ]
        )
        paid -= Line.search(
            [("origin_line_id", "in", paid.ids), ("statement_id.run_id.state", "=", "locked")]
        ).origin_line_id
        measure = self.plan_id.measure_id.sudo()
        result = defaultdict(list)
        for model, lines in paid.grouped("res_model").items():
            still = set(
                self.env[model]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "in", lines.mapped("res_id")), *measure._get_domain()])
                .ids
            )
            for line in lines.filtered(lambda rec, still=still: rec.res_id not in still):
                result[line.user_id.id].append(
                    (
                        line.res_model,
                        line.res_id,
                        line.document_date,
                        -line.credited_amount,
                        line.rate,
                        -line.amount,
                        self.env._("Clawback: %(reference)s no longer counts", reference=line.reference),
                        line.id,
                        "clawback",
                    )
                )
        return result
