from odoo import Command, api, fields, models


class SpmPayoutSimulate(models.TransientModel):
    """What-if: the payout a salesperson would earn for an expected amount, with the plan's rates or
    other ones, computed live and saved nowhere."""

    _name = "spm.payout.simulate"
    _description = "Payout What-If"

    plan_id = fields.Many2one("spm.incentive.plan", required=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson")
    credited_amount = fields.Monetary(string="Expected Sales", currency_field="currency_id")
    target = fields.Monetary(
        currency_field="currency_id", compute="_compute_target", store=True, readonly=False, precompute=True
    )
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
        string="Cap", currency_field="currency_id", compute="_compute_plan_values", store=True, readonly=False,
        precompute=True,
    )  # fmt: skip
    rate_multiplier = fields.Float(default=1.0, help="Scales every tier's rate, e.g. 1.2 for rates 20 % higher.")
    attainment = fields.Float(string="Attainment (%)", compute="_compute_projection", digits=(16, 1))
    projected_amount = fields.Monetary(
        string="Projected Payout", currency_field="currency_id", compute="_compute_projection"
    )
    detail = fields.Char(string="How", compute="_compute_projection")

    @api.depends("plan_id", "user_id")
    def _compute_target(self):
        for wizard in self:
            plan = wizard.plan_id
            targets = (
                self.env["spm.quota.line"]._read_user_targets(
                    plan.quota_measure_id or plan.measure_id, wizard.user_id.ids, plan.date_from, plan.date_to,
                    plan.company_id.ids,
                )
                if plan and wizard.user_id
                else {}
            )  # fmt: skip
            wizard.target = targets.get(wizard.user_id.id, 0.0)

    @api.depends("plan_id")
    def _compute_plan_values(self):
        for wizard in self:
            wizard.rate_type = wizard.plan_id.rate_type
            wizard.flat_rate = wizard.plan_id.flat_rate
            wizard.gate = wizard.plan_id.gate
            wizard.cap_amount = wizard.plan_id.cap_amount

    @api.depends("credited_amount", "target", "rate_type", "flat_rate", "gate", "cap_amount", "rate_multiplier")
    def _compute_projection(self):
        for wizard in self:
            plan = wizard.plan_id
            if not plan:
                wizard.attainment = wizard.projected_amount = 0.0
                wizard.detail = False
                continue
            virtual = self.env["spm.incentive.plan"].new(
                {
                    "name": plan.name,
                    "company_id": plan.company_id.id,
                    "rate_type": wizard.rate_type or plan.rate_type,
                    "tier_basis": plan.tier_basis,
                    "flat_rate": wizard.flat_rate,
                    "gate": wizard.gate,
                    "cap_amount": wizard.cap_amount,
                    "tier_ids": [
                        Command.create({"lower": t.lower, "upper": t.upper, "rate": t.rate * wizard.rate_multiplier})
                        for t in plan.tier_ids
                    ],
                }
            )
            attainment, amount, _rate, detail = virtual._commission(wizard.credited_amount, wizard.target)
            wizard.attainment, wizard.projected_amount, wizard.detail = attainment, amount, detail
