from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import explain

PLAN_RATES = ("rate_type", "flat_rate", "gate", "cap_amount", "attainment_cap")


class SpmPayoutSimulate(models.TransientModel):
    """What-if: the commission a salesperson would earn in a period for an expected credited amount,
    with the plan's rates or other ones. It is the payout run's own calculation (the plan's
    ``_targets`` and ``_commission``, every setting of the plan) on a what-if input, saved nowhere.
    Each user sees their own simulations, for the salespeople they may see."""

    _name = "spm.payout.simulate"
    _description = "Payout What-If"

    plan_id = fields.Many2one("spm.incentive.plan", required=True, default=lambda self: self._default_plan())
    currency_id = fields.Many2one(related="plan_id.currency_id")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, default=lambda self: self.env.user, ondelete="cascade"
    )
    date_from = fields.Date(
        string="From", compute="_compute_period", store=True, readonly=False, precompute=True, required=True,
        help="The period a payout run would pay: the run of the plan that includes today, else the quota period "
        "that includes today (the month or the quarter the salesperson's target is set for), else the plan's "
        "latest run.",
    )  # fmt: skip
    date_to = fields.Date(
        string="To", compute="_compute_period", store=True, readonly=False, precompute=True, required=True
    )
    credited_amount = fields.Monetary(
        string="Expected Sales", currency_field="currency_id", compute="_compute_credited_amount", store=True,
        readonly=False, precompute=True, help="What the plan credits the salesperson in the period; starts from "
        "what is credited so far.",
    )  # fmt: skip
    target = fields.Monetary(
        currency_field="currency_id", compute="_compute_target", store=True, readonly=False, precompute=True,
        help="The salesperson's quota for the period, as the payout run reads it.",
    )  # fmt: skip
    rate_type = fields.Selection(
        [("flat", "Flat rate"), ("progressive", "Progressive tiers"), ("retroactive", "Retroactive tiers")],
        compute="_compute_plan_values",
        store=True,
        readonly=False,
        precompute=True,
    )
    flat_rate = fields.Float(
        string="Rate (%)", compute="_compute_plan_values", store=True, readonly=False, precompute=True
    )
    gate = fields.Float(compute="_compute_plan_values", store=True, readonly=False, precompute=True)
    cap_amount = fields.Monetary(
        string="Amount Cap", currency_field="currency_id", compute="_compute_plan_values", store=True, readonly=False,
        precompute=True,
    )  # fmt: skip
    attainment_cap = fields.Float(
        string="Attainment Cap (%)", compute="_compute_plan_values", store=True, readonly=False, precompute=True
    )
    rate_multiplier = fields.Float(default=1.0, help="Scales every tier's rate, e.g. 1.2 for rates 20 % higher.")
    attainment = fields.Float(string="Attainment (%)", compute="_compute_projection", digits=(16, 1))
    projected_amount = fields.Monetary(
        string="Projected Payout", currency_field="currency_id", compute="_compute_projection"
    )
    detail = fields.Char(string="How", compute="_compute_projection")
    period_warning = fields.Char(
        compute="_compute_period_warning",
        help="Why the period cannot be paid as it is: it cuts a quota period, whose target is set as a whole.",
    )
    target_note = fields.Char(
        compute="_compute_period_warning",
        help="Whether the target reads prorated by days (the period cuts a quota period, in a plan that does not "
        "pay on quota).",
    )

    @api.depends("plan_id")
    def _compute_period(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.date_from, wizard.date_to = wizard._default_period(today) if wizard.plan_id else (False, False)

    @api.depends("plan_id", "user_id", "date_from", "date_to")
    def _compute_credited_amount(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            credited = 0.0
            until = min(wizard.date_to, today) if wizard.date_to else False
            if wizard._may_read_figures() and until and until >= wizard.date_from:
                by_user, _own_rate = wizard.plan_id.sudo()._credited(wizard.user_id, wizard.date_from, until)
                credited = sum(value for _doc, _day, value in by_user.get(wizard.user_id.id, []))
            wizard.credited_amount = wizard.currency_id.round(credited) if wizard.currency_id else credited

    @api.depends("plan_id", "user_id", "date_from", "date_to")
    def _compute_target(self):
        for wizard in self:
            targets = (
                wizard.plan_id.sudo()._targets(wizard.user_id, wizard.date_from, wizard.date_to)
                if wizard._may_read_figures()
                else {}
            )
            wizard.target = targets.get(wizard.user_id.id, 0.0)

    @api.depends("plan_id", "user_id", "date_from", "date_to", *PLAN_RATES)
    def _compute_period_warning(self):
        for wizard in self:
            wizard.period_warning = wizard.target_note = False
            if wizard._may_read_figures() and wizard.date_from <= wizard.date_to:
                plan = wizard._virtual_plan().sudo()
                wizard.period_warning = plan._period_mismatch(wizard.user_id, wizard.date_from, wizard.date_to)
                wizard.target_note = plan._proration_note(wizard.user_id, wizard.date_from, wizard.date_to)

    @api.depends("plan_id")
    def _compute_plan_values(self):
        for wizard in self:
            for fname in PLAN_RATES:
                wizard[fname] = wizard.plan_id[fname]

    @api.depends(
        "plan_id", "credited_amount", "target", "rate_type", "flat_rate", "gate", "cap_amount", "attainment_cap",
        "rate_multiplier",
    )  # fmt: skip
    def _compute_projection(self):
        for wizard in self:
            if not wizard.plan_id:
                wizard.attainment = wizard.projected_amount = 0.0
                wizard.detail = False
                continue
            attainment, amount, _rate, detail = wizard._virtual_plan()._commission(
                wizard.credited_amount, wizard.target
            )
            detail = explain.Renderer(self.env, wizard.plan_id.currency_id).render(detail)
            wizard.attainment, wizard.projected_amount, wizard.detail = attainment, amount, detail

    @api.constrains("user_id")
    def _check_user_id(self):
        for wizard in self:
            if not wizard._may_simulate(wizard.user_id):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot simulate the payout of %(salesperson)s: a salesperson simulates their "
                        "own, a manager also the members of the teams they lead, finance and administrators "
                        "anyone's.",
                        user=self.env.user.name,
                        salesperson=wizard.user_id.name,
                    )
                )

    def _may_simulate(self, salesperson):
        """Whether the current user may see ``salesperson``'s figures: themselves; a manager, the members
        of the teams they lead; finance and administrators, anyone. Stored computes run as superuser:
        the user is who asks, never ``env.su``."""
        user = self.env.user
        if salesperson == user or user.has_group("spm_addon.group_spm_finance"):
            return True
        if not user.has_group("spm_addon.group_spm_manager"):
            return False
        return salesperson in self.env["crm.team"].sudo().search([("user_id", "=", user.id)]).member_ids

    def _may_read_figures(self):
        self.ensure_one()
        return bool(
            self.plan_id and self.user_id and self.date_from and self.date_to and self._may_simulate(self.user_id)
        )

    @api.model
    def _default_plan(self):
        """The active plan that pays the user today (the latest to start), else none."""
        today = fields.Date.context_today(self)
        plans = self.env["spm.incentive.plan"].search(
            [("state", "=", "active"), ("date_from", "<=", today), ("date_to", ">=", today)],
            order="date_from desc, id desc",
        )
        return next((plan for plan in plans if self.env.user in plan._participants()), plans.browse())

    def _default_period(self, today):
        """(from, to): the plan's run that includes ``today``, else the quota period that includes
        ``today`` (the salesperson's, else the plan's participants'), else the current month inside the
        plan, else the plan's latest run, else the plan's first month."""
        plan = self.plan_id
        runs = plan.sudo().run_ids.sorted("date_to")
        current = runs.filtered(lambda run: run.date_from <= today <= run.date_to)[:1]
        if current:
            return current.date_from, current.date_to
        if plan.date_from <= today <= plan.date_to:
            for users in (self.user_id, plan.sudo()._participants()):
                quota_periods = plan.sudo()._quota_periods(users, today, today) if users else []
                if quota_periods:  # the shortest, should plans of the measure overlap (a month and a year)
                    return min(quota_periods, key=lambda period: period[1] - period[0])
            month = today.replace(day=1)
            return max(month, plan.date_from), min(month + relativedelta(months=1, days=-1), plan.date_to)
        if runs:
            return runs[-1].date_from, runs[-1].date_to
        return plan.date_from, min(plan.date_from + relativedelta(months=1, days=-1), plan.date_to)

    @api.model
    def _estimate_today(self):
        """What-If of today for the current user, in memory: the plan that pays them, the period that
        includes today, what they are credited so far (the overview's estimate of the running period)."""
        plan = self._default_plan()
        return self.new({"plan_id": plan.id, "user_id": self.env.uid}) if plan else self.browse()

    def _virtual_plan(self):
        """The plan as it is (every stored setting, tiers, category rates...) with the what-if rates, in
        memory only."""
        self.ensure_one()
        plan = self.plan_id
        vals = plan.copy_data()[0]
        vals.update({fname: self[fname] for fname in PLAN_RATES})
        vals["rate_type"] = self.rate_type or plan.rate_type
        vals["tier_ids"] = [
            Command.create({"lower": tier.lower, "upper": tier.upper, "rate": tier.rate * self.rate_multiplier})
            for tier in plan.tier_ids
        ]
        return self.env["spm.incentive.plan"].new(vals)
