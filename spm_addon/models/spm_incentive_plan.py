from collections import defaultdict
from operator import itemgetter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from ..engine import attainment as engine_attainment
from ..engine import tiers as tier_engine
from ..tools import access, explain


class SpmIncentivePlan(models.Model):
    """A commission plan: who is paid, on which measure, at which rates (flat, or tiers on attainment
    or amount, progressive or retroactive), with a gate and a cap."""

    _name = "spm.incentive.plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.period.mixin"]
    _description = "Incentive Plan"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")], default="draft", required=True, tracking=True
    )
    measure_id = fields.Many2one(
        "spm.measure",
        string="Credited Measure",
        required=True,
        tracking=True,
        check_company=True,
        help="What is credited and paid on.",
    )
    quota_measure_id = fields.Many2one(
        "spm.measure",
        string="Quota Measure",
        check_company=True,
        help="Attainment = credited amount / the salesperson's quota of this measure for the run's period "
        "(the credited measure when empty).",
    )
    user_ids = fields.Many2many("res.users", string="Salespeople", tracking=True, check_company=True)
    team_ids = fields.Many2many(
        "crm.team", string="Sales Teams", check_company=True, help="Every member of these teams takes part."
    )
    rate_type = fields.Selection(
        [("flat", "Flat rate"), ("progressive", "Progressive tiers"), ("retroactive", "Retroactive tiers")],
        required=True,
        default="progressive",
        tracking=True,
        help="Progressive: each tier's rate on the part inside it. Retroactive: the rate of the tier reached "
        "on everything.",
    )
    tier_basis = fields.Selection(
        [("attainment", "Attainment (%)"), ("amount", "Amount")], required=True, default="attainment"
    )
    flat_rate = fields.Float(string="Rate (%)", digits=(16, 4), tracking=True)
    tier_ids = fields.One2many("spm.incentive.tier", "plan_id", string="Tiers", copy=True)
    gate = fields.Float(tracking=True, help="Below this attainment (%) or amount, nothing is paid (0 = no gate).")
    cap_amount = fields.Monetary(
        string="Amount Cap",
        currency_field="currency_id",
        tracking=True,
        help="Most paid per salesperson and run (0 = no cap).",
    )
    attainment_cap = fields.Float(
        string="Attainment Cap (%)",
        tracking=True,
        help="Caps the multiplier: credit above this attainment earns nothing and the tiers stop there (0 = no cap).",
    )
    override_rate = fields.Float(
        string="Team Leader Override (%)",
        digits=(16, 4),
        tracking=True,
        help="Each sales team's leader earns this share of the credit of the team's salespeople in the plan.",
    )
    draw_amount = fields.Monetary(
        string="Draw",
        currency_field="currency_id",
        tracking=True,
        help="Minimum paid per salesperson and run: a lower commission is topped up to it.",
    )
    draw_recoverable = fields.Boolean(
        string="Recoverable Draw", tracking=True, help="Top-ups are taken back from later commissions above the draw."
    )
    run_ids = fields.One2many("spm.payout.run", "plan_id", string="Payout Runs")
    split_ids = fields.One2many("spm.credit.split", "plan_id", string="Credit Splits")
    category_rate_ids = fields.One2many(
        "spm.incentive.category.rate",
        "plan_id",
        string="Category Rates",
        copy=True,
        help="Documents of these product categories (and their subcategories) are paid at their own rate instead "
        "of the plan's; they still count toward attainment. Needs a measure with a product category field.",
    )
    spif_ids = fields.One2many("spm.incentive.spif", "plan_id", string="SPIFs", copy=True)
    grade_bonus_ids = fields.One2many("spm.incentive.grade.bonus", "plan_id", string="Grade Bonuses", copy=True)
    statement_properties_definition = fields.PropertiesDefinition(
        string="Statement Properties",
        help="Fields of your own on every payout statement of this plan, with their default values.",
    )

    @api.constrains("rate_type", "tier_ids", "flat_rate", "gate", "cap_amount", "category_rate_ids", "measure_id")
    def _check_rates(self):
        for plan in self:
            if (
                min(
                    plan.flat_rate,
                    plan.gate,
                    plan.cap_amount,
                    plan.override_rate,
                    plan.draw_amount,
                    plan.attainment_cap,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("Plan %(plan)s: rates, gate and cap cannot be negative.", plan=plan.name)
                )
            if plan.category_rate_ids and not plan.measure_id.categ_field_id:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s: category rates need a credited measure with a product category field.",
                        plan=plan.name,
                    )
                )
            if plan.rate_type != "flat":
                try:
                    tier_engine.check_tiers(plan._tiers())
                except tier_engine.TierError as error:
                    raise ValidationError(
                        self.env._("Plan %(plan)s: the tiers are not valid: %(error)s.", plan=plan.name, error=error)
                    ) from error

    def _tiers(self):
        """(lower, upper or None, rate as a fraction) of the plan's tiers."""
        return [(t.lower, t.upper or None, t.rate / 100.0) for t in self.tier_ids]

    def _participants(self):
        self.ensure_one()
        return (self.user_ids | self.team_ids.member_ids).filtered("active")

    def _override_leaders(self, users):
        """{member user id: leader user id} for the team leader override (none without a rate)."""
        self.ensure_one()
        if not self.override_rate:
            return {}
        teams = self.team_ids or users.sale_team_id
        return {
            member.id: team.user_id.id
            for team in teams
            for member in team.member_ids & users
            if team.user_id and team.user_id != member
        }

    def _category_rates(self):
        """{product category id: rate %} for every category under a category rate (the closest wins)."""
        self.ensure_one()
        rates = {}
        for line in self.category_rate_ids.sorted(lambda r: len(r.categ_id.parent_path or "")):
            for categ in self.env["product.category"].search([("id", "child_of", line.categ_id.id)]):
                rates[categ.id] = line.rate
        return rates

    def _split_shares(self):
        """{document id: [(user id, percent)]} of the plan's credit splits."""
        self.ensure_one()
        return {
            split.document_ref.id: [(share.user_id.id, share.percent) for share in split.share_ids]
            for split in self.split_ids
            if split.document_ref
        }

    def _credited(self, users, date_from, date_to):
        """What the plan credits over [date_from, date_to], as a payout run reads it:
        ``({user id: [(document id, date, credited value)]}, {document id: its category's own rate})``.
        The documents of ``users`` and the split ones, each split between its shares, in one query; in
        the order of their ids, so that sums and roundings are the same whichever order the database
        returns them in and however the salespeople are batched."""
        self.ensure_one()
        measure = self.measure_id
        shares = self._split_shares()
        categ_rates = self._category_rates() if self.category_rate_ids else {}
        documents = measure._read_documents(
            date_from,
            date_to,
            domain=["|", *measure._owner_domain(users.ids), ("id", "in", list(shares))],
            company_ids=self.company_id.ids,
            with_categ=bool(categ_rates),
        )
        documents.sort(key=itemgetter(0))
        by_user = defaultdict(list)
        own_rate = {}
        for doc_id, user_id, day, value, *categ in documents:
            if categ and categ[0] in categ_rates:
                own_rate[doc_id] = categ_rates[categ[0]]
            for share_user, percent in shares.get(doc_id, [(user_id, 100.0)]):
                by_user[share_user].append((doc_id, day, value * percent / 100.0))
        return by_user, own_rate

    def _credited_count(self, users, date_from, date_to):
        """How many documents ``_credited`` reads for ``users`` over [date_from, date_to], in one count."""
        self.ensure_one()
        measure = self.measure_id.sudo()
        _model, query = measure._query(
            date_from,
            date_to,
            domain=["|", *measure._owner_domain(users.ids), ("id", "in", list(self._split_shares()))],
            company_ids=self.company_id.ids,
        )
        sql = SQL("SELECT COUNT(*) FROM %s WHERE %s", query.from_clause, query.where_clause or SQL("TRUE"))
        return self.env.execute_query(sql)[0][0]

    def _targets(self, users, date_from, date_to):
        """{user id: target} of the plan's quota measure over [date_from, date_to], as a payout run reads
        it. Callers decide who may see it."""
        self.ensure_one()
        Line = self.env["spm.quota.line"].sudo()
        measure = self.quota_measure_id or self.measure_id
        targets = Line._read_user_targets(measure, users.ids, date_from, date_to, self.company_id.ids)
        if self._prorates(users, date_from, date_to):
            # a plan that does not pay on quota may run on a period that cuts its quota periods (monthly
            # runs on a yearly quota): its targets read prorated by days, as the run and What-If say
            for user_id, lines in Line._read_user_lines(
                measure, users.ids, date_from, date_to, self.company_id.ids
            ).items():
                prorated = engine_attainment.prorated_target(lines, date_from, date_to)
                if prorated is not None:
                    targets[user_id] = prorated
        return targets

    def _prorates(self, users, date_from, date_to):
        """Whether the targets of [date_from, date_to] read prorated by days: in a plan that does not pay on
        quota, a period that cuts a quota period (one that pays on quota refuses it: _period_mismatch)."""
        return not self._pays_on_quota() and any(
            start < date_from or end > date_to for start, end in self._quota_periods(users, date_from, date_to)
        )

    def _proration_note(self, users, date_from, date_to):
        """What the screen says of prorated targets, or ""."""
        if not self._prorates(users, date_from, date_to):
            return ""
        return self.env._(
            "Targets prorated by days: the period %(date_from)s – %(date_to)s cuts the salespeople's quota periods "
            "(a target is set for a whole quota period). The commission of %(plan)s does not depend on them.",
            date_from=format_date(self.env, date_from),
            date_to=format_date(self.env, date_to),
            plan=self.name,
        )

    def _quota_periods(self, users, date_from, date_to):
        """[(from, to)] of the quota periods ``_targets`` reads for ``users`` (their finest quota lines of
        the plan's quota measure) that overlap [date_from, date_to], in order (one grouped query)."""
        self.ensure_one()
        groups = (
            self.env["spm.quota.line"]
            .sudo()
            ._read_group(
                [("plan_id.measure_id", "=", (self.quota_measure_id or self.measure_id).id),
                 ("plan_id.state", "in", ("active", "locked", "closed")),
                 ("company_id", "in", self.company_id.ids), ("user_id", "in", users.ids),
                 ("child_ids", "=", False), ("date_from", "<=", date_to), ("date_to", ">=", date_from)],
                ["date_from:day", "date_to:day"],
            )
        )  # fmt: skip
        return sorted(groups)

    def _pays_on_quota(self):
        """Whether what the plan pays depends on the quota: tiers or a gate on attainment, an attainment cap."""
        self.ensure_one()
        on_attainment = self.tier_basis == "attainment" and (self.rate_type != "flat" or self.gate)
        return bool(self.attainment_cap or on_attainment)

    def _period_mismatch(self, users, date_from, date_to):
        """Why [date_from, date_to] cannot be paid on the quotas of ``users``, or "": in a plan that pays on
        quota, a period that cuts a quota period (a month of a quarterly quota) would read no target for
        it, and pay on 0."""
        self.ensure_one()
        if not self._pays_on_quota():
            return ""
        cut = [(start, end) for start, end in self._quota_periods(users, date_from, date_to)
               if start < date_from or end > date_to]  # fmt: skip
        if not cut:
            return ""

        def day(value):
            return format_date(self.env, value)

        return self.env._(
            "The period %(date_from)s – %(date_to)s cuts the quota period %(quota_from)s – %(quota_to)s of the "
            "salespeople of %(plan)s: a target is set for a whole quota period, so the part of it in this period "
            "has no target and would pay on 0. "
            "Choose whole quota periods, e.g. %(suggest_from)s – %(suggest_to)s.",
            date_from=day(date_from),
            date_to=day(date_to),
            quota_from=day(cut[0][0]),
            quota_to=day(cut[0][1]),
            plan=self.name,
            suggest_from=day(min(date_from, *(start for start, _end in cut))),
            suggest_to=day(max(date_to, *(end for _start, end in cut))),
        )

    def action_activate(self):
        access.require(self.env, "admin", self.env._("Only an SPM administrator activates commission plans."))
        for plan in self:
            if not plan._participants():
                raise UserError(self.env._("Plan %(plan)s has no participants.", plan=plan.name))
        self.state = "active"
        return True

    def action_simulate(self):
        self.ensure_one()
        access.require(self.env, "user", self.env._("What-If is for the users of Sales Performance."))
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_addon.spm_payout_simulate_action")
        action["context"] = {"default_plan_id": self.id}
        return action

    def action_close(self):
        access.require(self.env, "admin", self.env._("Only an SPM administrator closes commission plans."))
        self.state = "closed"
        return True

    def _capped(self, credited, target, base):
        """(position on the tier scale, base) once the attainment cap applies."""
        attainment = engine_attainment.attainment(credited, target)
        position = attainment if self.tier_basis == "attainment" else credited
        if self.attainment_cap and attainment > self.attainment_cap:
            base *= self.attainment_cap / attainment
            position = (
                self.attainment_cap if self.tier_basis == "attainment" else credited * self.attainment_cap / attainment
            )
        return position, base

    def _tier_amount(self, credited, target, base):
        """The plan's rates on ``base`` at the position ``credited`` reaches, before gate and cap."""
        self.ensure_one()
        position, base = self._capped(credited, target, base)
        if self.rate_type == "flat":
            return base * self.flat_rate / 100.0
        compute = tier_engine.progressive if self.rate_type == "progressive" else tier_engine.retroactive
        return compute(base, position, self._tiers())[0]

    def _commission(self, credited, target, base=None, extra=0.0):
        """(attainment %, commission, effective rate %, explanation) for a credited amount; the
        explanation is a list of parts (see tools/explain.py), money rounded to the currency.

        Attainment (and the tier position) come from all of ``credited``; the plan's rates apply to
        ``base`` (the credit outside categories with their own rate, all of it by default) and
        ``extra`` (what those categories earned) is added before the gate and the cap."""
        self.ensure_one()
        base = credited if base is None else base
        money = self.currency_id.round if self.currency_id else (lambda value: round(value, 2))
        attainment = engine_attainment.attainment(credited, target)
        gate_position = attainment if self.tier_basis == "attainment" else credited
        position, base = self._capped(credited, target, base)
        if self.rate_type == "flat":
            amount = base * self.flat_rate / 100.0
            parts = [explain.part("flat", rate=self.flat_rate, base=money(base))] if base else []
        else:
            compute = tier_engine.progressive if self.rate_type == "progressive" else tier_engine.retroactive
            amount, rows = compute(base, position, self._tiers())
            key = "tier_part" if self.rate_type == "progressive" else "tier_all"
            parts = [
                explain.part(
                    key,
                    rate=round(rate * 100, 4),
                    part=money(part),
                    range=explain.tier_range(lower, upper, self.tier_basis),
                )
                for lower, upper, rate, part, _amount in rows
            ]
        if extra:
            amount += extra
            parts.append(explain.part("categ_extra", amount=money(extra)))
        if self.attainment_cap and attainment > self.attainment_cap:
            parts.append(explain.part("attainment_cap", cap=self.attainment_cap))
        gated = tier_engine.apply_gate_and_cap(
            amount, gate_position, gate=self.gate or None, cap=self.cap_amount or None
        )
        if gated != amount:
            if gated:
                parts.append(explain.part("cap", cap=self.cap_amount))
            elif self.tier_basis == "attainment":
                parts.append(explain.part("gate_pct", gate=self.gate))
            else:
                parts.append(explain.part("gate_amount", gate=self.gate))
        return attainment, gated, (gated / credited * 100.0 if credited else 0.0), parts
