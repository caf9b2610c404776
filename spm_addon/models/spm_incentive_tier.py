from odoo import api, fields, models


class SpmIncentiveTier(models.Model):
    """A tier of a commission plan: from ``lower`` to ``upper`` (0 = no limit) at ``rate`` %.
    Changes are written in the plan's chatter."""

    _name = "spm.incentive.tier"
    _description = "Commission Tier"
    _order = "plan_id, lower"

    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="cascade", index=True)
    lower = fields.Float(string="From", required=True)
    upper = fields.Float(string="To", help="0 = no upper limit (only the last tier).")
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 4))

    def _describe(self):
        return ", ".join(f"{tier.lower:g}-{f'{tier.upper:g}' if tier.upper else ''} {tier.rate:g} %" for tier in self)

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        for plan in tiers.plan_id:
            plan.message_post(
                body=self.env._(
                    "Tiers added: %(tiers)s", tiers=tiers.filtered(lambda t, p=plan: t.plan_id == p)._describe()
                )
            )
        return tiers

    def write(self, vals):
        before = {tier.id: tier._describe() for tier in self}
        result = super().write(vals)
        for tier in self:
            tier.plan_id.message_post(
                body=self.env._("Tier changed: %(before)s → %(after)s", before=before[tier.id], after=tier._describe())
            )
        return result

    def unlink(self):
        for plan in self.plan_id:
            plan.message_post(
                body=self.env._(
                    "Tiers removed: %(tiers)s", tiers=self.filtered(lambda t, p=plan: t.plan_id == p)._describe()
                )
            )
        return super().unlink()
