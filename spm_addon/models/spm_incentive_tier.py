from odoo import api, fields, models

from ..tools import explain


class SpmIncentiveTier(models.Model):
    """A tier of a commission plan: from ``lower`` to ``upper`` (0 = no limit) at ``rate`` %.
    Changes are written in the plan's chatter."""

    _name = "spm.incentive.tier"
    _description = "Commission Tier"
    _order = "plan_id, lower"

    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="cascade", index=True)
    lower = fields.Float(string="Lower Bound", required=True)
    upper = fields.Float(string="Upper Bound", help="0 = no upper limit (only the last tier).")
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 4))
    range_text = fields.Char(string="Range", compute="_compute_range_text", help="The tier's range in words.")

    @api.depends("lower", "upper", "plan_id.tier_basis", "plan_id.currency_id")
    @api.depends_context("lang")
    def _compute_range_text(self):
        for tier in self:
            tier.range_text = tier._range_renderer().render([tier._range_part()])

    def _range_part(self):
        kind = "pct" if self.plan_id.tier_basis != "amount" else "amount"
        if self.upper:
            return explain.part(f"tier_{kind}", lower=self.lower, upper=self.upper)
        return explain.part(f"tier_{kind}_open", lower=self.lower)

    def _range_renderer(self):
        return explain.Renderer(self.env, self.plan_id.currency_id)

    def _describe(self):
        """The tiers in words, for the plan's chatter: "0 % to 100 %: 3 %, 100 % and above: 5 %"."""
        return ", ".join(
            self.env._("%(range)s: %(rate)s", range=tier.range_text, rate=tier._range_renderer().percent(tier.rate))
            for tier in self
        )

    def _in_editor_lang(self):
        """The tiers in the language of whoever edits them: the plan's chatter says what they did in
        their words, as Odoo's tracking does."""
        return self.with_context(lang=self.env.user.lang or self.env.lang)

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        local = tiers._in_editor_lang()
        for plan in tiers.plan_id:
            plan.message_post(
                body=local.env._(
                    "Tiers added: %(tiers)s", tiers=local.filtered(lambda t, p=plan: t.plan_id == p)._describe()
                )
            )
        return tiers

    def write(self, vals):
        local = self._in_editor_lang()
        before = {tier.id: tier._describe() for tier in local}
        result = super().write(vals)
        for tier in local:
            tier.plan_id.message_post(
                body=local.env._("Tier changed: %(before)s → %(after)s", before=before[tier.id], after=tier._describe())
            )
        return result

    def unlink(self):
        local = self._in_editor_lang()
        for plan in self.plan_id:
            plan.message_post(
                body=local.env._(
                    "Tiers removed: %(tiers)s", tiers=local.filtered(lambda t, p=plan: t.plan_id == p)._describe()
                )
            )
        return super().unlink()
