"""The computation of a payout run: statements and lines of every payee, from a list of line sources.

Every source (commission on credited documents, SPIFs, grade bonuses, clawbacks, disputes, team leader
overrides, draws) reads what it needs for a batch of payees in a few queries and returns
``{user id: [PayoutRow]}``; the statements and lines are then written through the bulk writer (COPY when
nothing an administrator configured would be skipped, else the ORM). A run over more than a few
thousand salespeople or documents is computed as a background job, a batch of salespeople at a time.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from odoo import fields, models
from odoo.osv import expression
from odoo.tools import SQL, float_round

from ..engine import allocation, clawbacks
from ..tools import bulk, explain
from .spm_job_mixin import BACKGROUND_ABOVE

# salespeople per batch of a background computation: about 500,000 payout lines (some 20 s) at bench
# scale when they are copied, 20,000 when they go through the ORM (an administrator configured payout
# lines). Each batch reads its credited documents in one query: fewer, larger batches read faster.
COMPUTE_BATCH = 5000
COMPUTE_BATCH_ORM = 200

STATEMENT_COLUMNS = ["id", "run_id", "plan_id", "company_id", "state", "user_id", "team_id", "credited_amount",
                     "target", "attainment", "commission", "rule_data", "amount"]  # fmt: skip
LINE_COLUMNS = ["id", "statement_id", "res_model", "res_id", "document_date", "credited_amount", "rate", "amount",
                "rule_data", "origin_line_id", "kind"]  # fmt: skip


class PayoutRow(NamedTuple):
    """One payout line, as every line source makes it and the insert writes it."""

    res_model: str  # the document (or user, dispute, appraisal) it pays on
    res_id: int
    date: date
    credited: float  # the credit it pays on (negative: what a clawback removes)
    rate: float  # effective rate (%)
    amount: float
    rule: str  # how it was computed, beyond its statement: the JSON text of its parts (tools/explain.py)
    origin_line_id: int | None  # the paid line a clawback reopens
    kind: str


class Figures(NamedTuple):
    """A payee's statement figures, from the commission source."""

    credited: float
    target: float
    attainment: float
    commission: float
    rule: str  # how the commission was computed: the JSON text of its parts (tools/explain.py)


@dataclass
class PayoutBatch:
    """What the line sources of a batch of payees share, each read once for the batch."""

    payees: models.BaseModel  # res.users
    participants: models.BaseModel  # the payees taking part in the plan
    credited: dict  # {user id: [(document id, date, credited value)]}, the payees' and their teams'
    own_rate: dict  # {document id: rate % of its category}
    shares: dict  # {document id: [(user id, percent)]} of the plan's credit splits
    targets: dict  # {user id: target}
    clawbacks: dict  # {user id: [PayoutRow]} of the whole run
    members_of: dict  # {leader id: [member ids]}: the team leaders among the payees
    figures: dict = field(default_factory=dict)  # {user id: Figures}, set by the commission source


def _rounder(rounding, digits):
    """float_round to ``rounding`` (``digits`` decimals), faster on values already rounded."""
    if float_round(10**-digits, precision_rounding=rounding) != 10**-digits:  # e.g. a cash rounding of 0.05
        return lambda value: float_round(value, precision_rounding=rounding)
    return lambda value: value if round(value, digits) == value else float_round(value, precision_rounding=rounding)


class SpmPayoutRun(models.Model):
    _inherit = "spm.payout.run"

    # the computation, at once or a batch at a time

    def _run_compute(self):
        """Compute the run at once for a few thousand salespeople and documents, else queue it as a
        background job. A computed run is computed from scratch; a computation that stopped half-way
        (a failed job) is resumed."""
        self.ensure_one()
        job = self._running_job()
        if job:
            return self._job_notification(job)
        if self.compute_date or not self.compute_cursor:
            self._clear_statements()
        payees = self._scope()[0]
        if len(payees) > BACKGROUND_ABOVE or self._document_count() > BACKGROUND_ABOVE:
            name = self.env._("Computation of payout run %(run)s", run=self.name)
            return self._job_notification(self._queue_job(name, "_job_compute", len(payees)))
        done, total = 0, 1
        while done < total:
            done, total = self._job_compute(None)
        return True

    def _job_compute(self, _job):
        """One batch of the computation: the statements and lines of the next batch of payees (in id
        order, after the cursor); with the last one, the computation date. Returns (payees done,
        payees). Safe to run again after a crash: the cursor moves in the transaction that writes the
        batch, so a rerun skips the payees that have their statement and lines and never writes a line
        twice."""
        self.ensure_one()
        payees, participants, leader_of, clawback_rows = self._scope()
        todo = payees.filtered(lambda user: user.id > self.compute_cursor)
        batch = todo[: self._batch_size()]
        if batch:
            self._compute_batch(batch, participants, leader_of, clawback_rows)
            self.compute_cursor = batch[-1].id
        if len(batch) == len(todo):
            self.compute_date = fields.Datetime.now()
        return len(payees) - len(todo) + len(batch), len(payees)

    def _batch_size(self):
        """Salespeople per batch: fewer when the lines go through the ORM (an administrator configured
        payout lines), so that a batch takes about as long either way."""
        through_orm = bulk.orm_reasons(self.env["spm.payout.line"], LINE_COLUMNS[1:], create=True)
        return COMPUTE_BATCH_ORM if through_orm else COMPUTE_BATCH

    def _clear_statements(self):
        """Forget the computation: statements, lines, date and cursor."""
        self.statement_ids.unlink()
        self.filtered(lambda run: run.compute_date or run.compute_cursor).write(
            {"compute_date": False, "compute_cursor": 0}
        )

    def _scope(self):
        """Who the run pays: ``(payees in id order, participants, {member id: team leader id},
        {user id: clawback rows})``. The payees are the plan's participants, the team leaders earning
        an override on them and former participants owing clawbacks of the periods they were paid in."""
        plan = self.plan_id
        participants = plan._participants()
        leader_of = plan._override_leaders(participants)
        clawback_rows = self._clawbacks()
        others = self.env["res.users"].browse(set(leader_of.values()) | set(clawback_rows))
        return (participants | others).sorted("id"), participants, leader_of, clawback_rows

    def _document_count(self):
        """How many documents the plan credits over the run."""
        plan = self.plan_id
        return plan._credited_count(plan._participants(), self.date_from, self.date_to)

    def _compute_batch(self, payees, participants, leader_of, clawback_rows):
        """Statements and lines of ``payees``: every line source, then one insert of the statements of
        those with lines or a target and one of their lines."""
        batch = self._read_batch(payees, participants, leader_of, clawback_rows)
        rows = defaultdict(list)
        for source in self._line_sources():
            for user_id, user_rows in source(batch).items():
                rows[user_id] += user_rows
        statements = [
            (user.id, batch.figures[user.id], rows[user.id])
            for user in payees
            if rows[user.id] or batch.figures[user.id].target
        ]
        self._insert_statements(statements)

    def _line_sources(self):
        """The sources of payout lines, in the order of a statement's lines: each takes a PayoutBatch
        and returns {user id: [PayoutRow]}. The commission comes first: it sets the figures the draws
        read."""
        return [
            self._commission_rows,
            self._spif_rows,
            self._grade_bonus_rows,
            self._clawback_rows,
            self._dispute_rows,
            self._override_rows,
            self._draw_rows,
        ]

    def _read_batch(self, payees, participants, leader_of, clawback_rows):
        """The PayoutBatch of ``payees``: the credit of the participants among them and of the teams
        they lead, their targets, the plan's splits and the payees' clawbacks."""
        plan = self.plan_id
        payee_ids = set(payees.ids)
        members_of = defaultdict(list)  # leader id: member ids, so that each leader reads only their team
        for member_id, leader_id in leader_of.items():
            if leader_id in payee_ids:
                members_of[leader_id].append(member_id)
        mine = payees & participants
        members = self.env["res.users"].browse([member_id for ids in members_of.values() for member_id in ids])
        credited, own_rate = plan._credited(mine | members, self.date_from, self.date_to)
        # credit notes of invoices a locked run paid reopen the invoice's period (see _clawbacks): they
        # are not netted in this run's own total
        paid_refunds = self._paid_refunds(
            plan.measure_id.sudo().model_name,
            {doc for docs in credited.values() for doc, _day, value in docs if value < 0},
        )
        if paid_refunds:
            credited = {
                user_id: [row for row in docs if row[0] not in paid_refunds] for user_id, docs in credited.items()
            }
        return PayoutBatch(
            payees=payees,
            participants=mine,
            credited=credited,
            own_rate=own_rate,
            shares=plan._split_shares(),
            targets=plan._targets(mine, self.date_from, self.date_to),
            clawbacks={user_id: rows for user_id, rows in clawback_rows.items() if user_id in payee_ids},
            members_of=members_of,
        )

    def _insert_statements(self, statements):
        """Write ``statements`` ((user id, Figures, [PayoutRow])) and their lines through the bulk
        writer: COPY when nothing an administrator configured on statements or lines would be skipped,
        else the ORM (the lines then point to the statements it created). Numbers go in as Python
        computes them, rounded as the ORM stores them; each distinct text (explanations are JSON text)
        is escaped once."""
        cr = self.env.cr
        Statement, Line = self.env["spm.payout.statement"], self.env["spm.payout.line"]
        users = self.env["res.users"].browse([user_id for user_id, _figures, _rows in statements])
        team_of = {user.id: user.sale_team_id.id or None for user in users}
        money = self.currency_id.round  # as the ORM rounds monetary and float fields it stores
        ids = bulk.reserve_ids(cr, Statement._table, len(statements))
        # the amount is the sum of the lines: written with the statement on the COPY path, computed by
        # the ORM on the other (amount is a stored compute, which the bulk writer leaves to the ORM)
        statement_of = bulk.insert(
            Statement,
            STATEMENT_COLUMNS,
            [
                (
                    statement_id,
                    self.id,
                    self.plan_id.id,
                    self.company_id.id,
                    self.state,
                    user_id,
                    team_of[user_id],
                    money(figures.credited),
                    money(figures.target),
                    float_round(figures.attainment, 1),
                    money(figures.commission),
                    figures.rule,
                    money(sum(row.amount for row in rows)),
                )
                for statement_id, (user_id, figures, rows) in zip(ids, statements, strict=True)
            ],
        )
        texts = {}

        def text(value):
            if value not in texts:
                texts[value] = bulk.copy_text(value)
            return texts[value]

        line_ids = iter(bulk.reserve_ids(cr, Line._table, sum(len(rows) for _user, _figures, rows in statements)))
        line_of = bulk.insert(
            Line,
            LINE_COLUMNS,
            (
                (
                    next(line_ids),
                    statement_id,
                    res_model,
                    res_id,
                    text(day),
                    credited,
                    rate,
                    amount,
                    text(rule),
                    text(origin_line_id),
                    kind,
                )
                for statement_id, (_user, _figures, rows) in zip(ids, statements, strict=True)
                for res_model, res_id, day, credited, rate, amount, rule, origin_line_id, kind in rows
            ),
            refs={"statement_id": statement_of},
            formatted=True,
        )
        created_by_orm = any(key != value for key, value in statement_of.items())
        if created_by_orm and all(key == value for key, value in line_of.items()):
            # the ORM computed the amounts when the statements had no lines yet, and the lines were
            # copied since: it computes them again, and what an administrator made depend on them
            records = Statement.browse(list(statement_of.values()))
            records.invalidate_recordset(["line_ids"])
            records.modified(["line_ids"])
            self.env.flush_all()
        self.invalidate_recordset(["statement_ids"])

    def _rounding(self):
        """(money, rate): round a value as the ORM stores a payout line's monetary fields and its rate,
        so that the COPY path leaves the same figures as the ORM path. Values already rounded (most
        credited amounts of documents in the company's currency) are kept without calling float_round."""
        currency = self.currency_id
        digits = self.env["spm.payout.line"]._fields["rate"].get_digits(self.env)[1]
        return _rounder(currency.rounding, currency.decimal_places), _rounder(10**-digits, digits)

    # line sources

    def _commission_rows(self, batch):
        """Commission on the credited documents: each payee's commission on their credit and target
        (the plan's rates, categories at their own rates, gate and caps), spread over their documents
        in proportion to what each earns."""
        plan = self.plan_id
        model = plan.measure_id.sudo().model_name
        own_rate, shares = batch.own_rate, batch.shares
        money, round_rate = self._rounding()
        categ_rules = {rate: explain.dumps([explain.part("categ_rate", rate=rate)]) for rate in set(own_rate.values())}
        result = {}
        for user in batch.payees:
            docs = batch.credited.get(user.id, [])
            credited = sum(value for _doc, _day, value in docs)
            target = batch.targets.get(user.id, 0.0)
            base = sum(value for doc, _day, value in docs if doc not in own_rate)
            extra = sum(value * own_rate[doc] / 100.0 for doc, _day, value in docs if doc in own_rate)
            attainment, amount, rate, detail = plan._commission(credited, target, base, extra)
            amount = money(amount)  # as the statement stores it: its lines sum to it
            batch.figures[user.id] = Figures(credited, target, attainment, amount, explain.dumps(detail))
            # each document's share: the plan's commission on the base pro rata, category rates on
            # their own documents, all scaled to the commission after the gate and the cap
            tier_amount = plan._tier_amount(credited, target, base)
            raw = [
                value * own_rate[doc] / 100.0 if doc in own_rate else (tier_amount * value / base if base else 0.0)
                for doc, _day, value in docs
            ]
            parts = allocation.proportional(amount, raw, self.currency_id.decimal_places)
            rate = round_rate(rate)
            # the statement explains the commission; a line says its rate, and more when it differs
            plain = explain.dumps([explain.part("line", rate=rate)])
            split = explain.dumps([explain.part("split", rate=rate)]) if shares else plain
            result[user.id] = [
                PayoutRow(
                    model,
                    doc_id,
                    day,
                    money(value),
                    round_rate(part / value * 100.0) if own_rate and value else rate,
                    part,
                    categ_rules[own_rate[doc_id]] if doc_id in own_rate else split if doc_id in shares else plain,
                    None,
                    "commission",
                )
                for (doc_id, day, value), part in zip(docs, parts, strict=True)
            ]
        return result

    def _spif_rows(self, batch):
        """SPIF bonuses on confirmed order lines of promoted products, dated inside both the SPIF and
        the run (one query per SPIF)."""
        result = defaultdict(list)
        if not batch.participants:
            return result
        money = self._rounding()[0]
        for spif in self.plan_id.spif_ids:
            date_from, date_to = max(spif.date_from, self.date_from), min(spif.date_to, self.date_to)
            if date_from > date_to:
                continue
            domain = [
                ("order_id.state", "=", "sale"),
                ("order_id.user_id", "in", batch.participants.ids),
                ("order_id.company_id", "=", self.company_id.id),
                ("order_id.date_order", ">=", date_from),
                ("order_id.date_order", "<", date_to + timedelta(days=1)),
            ]
            products = [("product_id", "in", spif.product_ids.ids)] if spif.product_ids else []
            if spif.categ_id:
                products = expression.OR([products, [("product_id.categ_id", "child_of", spif.categ_id.id)]])
            for line in self.env["sale.order.line"].sudo().search(expression.AND([domain, products])):
                quantity = line.product_uom_qty if spif.basis == "unit" else 1.0
                result[line.order_id.user_id.id].append(
                    PayoutRow(
                        "sale.order.line",
                        line.id,
                        line.order_id.date_order.date(),
                        money(quantity),
                        0.0,
                        money(quantity * spif.amount),
                        explain.dumps([explain.part("spif", spif=spif.id, quantity=quantity, amount=spif.amount)]),
                        None,
                        "spif",
                    )
                )
        return result

    def _grade_bonus_rows(self, batch):
        """Grade bonuses of the appraisals published in campaigns that end inside the run."""
        bonuses = {bonus.grade: bonus.amount for bonus in self.plan_id.grade_bonus_ids}
        result = defaultdict(list)
        if not bonuses or not batch.participants:
            return result
        appraisals = (
            self.env["spm.appraisal"]
            .sudo()
            .search(
                [
                    ("user_id", "in", batch.participants.ids),
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
                    PayoutRow(
                        "spm.appraisal",
                        appraisal.id,
                        appraisal.date_to,
                        0.0,
                        0.0,
                        bonuses[grade],
                        explain.dumps([explain.part("bonus", grade=appraisal.final_grade_id.id)]),
                        None,
                        "bonus",
                    )
                )
        return result

    def _clawback_rows(self, batch):
        """Clawbacks of the periods reopened by documents that stopped counting (see _clawbacks)."""
        return batch.clawbacks

    def _dispute_rows(self, batch):
        """Accepted disputes of the plan not yet paid by a locked run."""
        result = defaultdict(list)
        if not batch.participants:
            return result
        disputes = (
            self.env["spm.payout.dispute"]
            .sudo()
            .search(
                [
                    ("plan_id", "=", self.plan_id.id),
                    ("state", "=", "accepted"),
                    ("user_id", "in", batch.participants.ids),
                ]
            )
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
        for dispute in disputes.filtered(lambda d: d.id not in paid):
            result[dispute.user_id.id].append(
                PayoutRow(
                    "spm.payout.dispute",
                    dispute.id,
                    fields.Date.to_date(dispute.resolved_date or dispute.write_date),
                    0.0,
                    0.0,
                    dispute.adjustment_amount,
                    explain.dumps(
                        [explain.part("dispute", reference=[dispute.line_id.res_model, dispute.line_id.res_id])]
                    ),
                    None,
                    "dispute",
                )
            )
        return result

    def _override_rows(self, batch):
        """Each team leader's override on the credit of their team's salespeople in the plan."""
        plan = self.plan_id
        money = self._rounding()[0]
        result = defaultdict(list)
        for leader_id, member_ids in batch.members_of.items():
            for member_id in member_ids:
                member_credit = sum(value for _doc, _day, value in batch.credited.get(member_id, []))
                if member_credit:
                    result[leader_id].append(
                        PayoutRow(
                            "res.users",
                            member_id,
                            self.date_to,
                            money(member_credit),
                            plan.override_rate,
                            money(member_credit * plan.override_rate / 100.0),
                            explain.dumps([explain.part("override", rate=plan.override_rate)]),
                            None,
                            "override",
                        )
                    )
        return result

    def _draw_rows(self, batch):
        """A draw tops each participant's commission up to the plan's draw; a recoverable draw is taken
        back from later commissions above it."""
        plan = self.plan_id
        result = {}
        if not plan.draw_amount:
            return result
        drawn = self._draw_balances(batch.participants) if plan.draw_recoverable else {}
        money = self._rounding()[0]
        for user in batch.participants:
            commission = money(batch.figures[user.id].commission)  # as the statement stores it
            if commission < plan.draw_amount:
                result[user.id] = [
                    PayoutRow("res.users", user.id, self.date_to, commission, 0.0, money(plan.draw_amount - commission),
                              explain.dumps([explain.part("draw", draw=plan.draw_amount)]), None,
                              "draw")
                ]  # fmt: skip
                continue
            outstanding = drawn.get(user.id, 0.0)
            recovered = money(min(outstanding, commission - plan.draw_amount))
            if recovered > 0:
                result[user.id] = [
                    PayoutRow("res.users", user.id, self.date_to, commission, 0.0, -recovered,
                              explain.dumps([explain.part("recovery", outstanding=money(outstanding))]),
                              None, "recovery")
                ]  # fmt: skip
        return result

    # what locked runs paid

    def _locked_domain(self):
        """Payout lines of the plan's locked runs, by the ids of their statements: the lines of this run
        (hundreds of thousands at scale, written batch by batch) are never read on the way."""
        Statement = self.env["spm.payout.statement"].sudo()
        locked = Statement.search([("run_id.plan_id", "=", self.plan_id.id), ("run_id.state", "=", "locked")])
        return [("statement_id", "in", locked.ids)]

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

    def _draw_balances(self, users):
        """{user id: recoverable draws paid by locked runs of the plan and not recovered yet}."""
        rows = (
            self.env["spm.payout.line"]
            .sudo()
            ._read_group(
                [
                    *self._locked_domain(),
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

    def _clawbacks(self):
        """{user id: [PayoutRow]}: the periods reopened by documents that locked runs of the plan paid
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
        locked = self._locked_domain()
        if not locked[0][2]:  # nothing paid yet
            return {}
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
                *locked,
                ("res_model", "=", model),
                ("kind", "=", "commission"),
                ("origin_line_id", "=", False),
                ("credited_amount", ">", 0),
                *affected,
            ]
        )
        if not paid:
            return {}
        earlier = Line.search([*locked, ("kind", "=", "clawback"), ("origin_line_id", "in", paid.ids)])
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
        money, round_rate = self._rounding()
        return [
            PayoutRow(
                res_model,
                res_id,
                day,
                money(-value),
                round_rate(-part / value * 100.0) if value else 0.0,
                part,
                explain.dumps(
                    [
                        explain.part(
                            "clawback",
                            document=[origin.res_model, origin.res_id],
                            run=statement.run_id.id,
                            net=money(net),
                            amount=money(recomputed),
                            paid=money(paid),
                        ),
                        *detail,
                    ]
                ),
                origin.id,
                "clawback",
            )
            for (origin, res_model, res_id, day, value, _reference), part in zip(items, parts, strict=True)
        ]
