from odoo import api, fields, models
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.exceptions import AccessError, UserError


class SpmQuotaAdjustment(models.Model):
    """A mid-period change of a target: old and new values, who, when and why."""

    _name = "spm.quota.adjustment"
    _description = "Quota Adjustment"
    _order = "create_date desc, id desc"

    line_id = fields.Many2one("spm.quota.line", string="Target", required=True, ondelete="cascade", index=True)
    plan_id = fields.Many2one(related="line_id.plan_id", store=True, index=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    user_id = fields.Many2one(related="line_id.user_id", store=True, string="Salesperson")
    team_id = fields.Many2one(related="line_id.team_id", store=True)
    currency_id = fields.Many2one(related="line_id.currency_id")
    old_target = fields.Monetary(currency_field="currency_id", readonly=True)
    new_target = fields.Monetary(currency_field="currency_id", readonly=True)
    difference = fields.Monetary(compute="_compute_difference", store=True, currency_field="currency_id")
    reason = fields.Text(required=True, readonly=True)
    author_id = fields.Many2one("res.users", string="Changed By", readonly=True)

    @api.depends("old_target", "new_target")
    def _compute_difference(self):
        for adjustment in self:
            adjustment.difference = adjustment.new_target - adjustment.old_target

    @api.model_create_multi
    def create(self, vals_list):
        """Only server code records adjustments (the Adjust button, as ``sudo()``), and always with the
        real user as author: ``sudo()`` keeps ``env.uid``, whatever author the values name."""
        if not self.env.su:
            raise AccessError(
                self.env._("Adjustments are recorded by the Adjust button of a target: they cannot be created by hand.")
            )
        vals_list = [{**vals, "author_id": self.env.uid} for vals in vals_list]
        adjustments = super().create(vals_list)
        local = adjustments.with_context(lang=self.env.user.lang or self.env.lang)  # in the author's words
        for adjustment in local:
            adjustment.plan_id.sudo().message_post(
                author_id=self.env.user.partner_id.id,
                body=local.env._(
                    "Target of %(line)s changed from %(old)s to %(new)s by %(user)s: %(reason)s",
                    line=adjustment.line_id.display_name,
                    old=adjustment.currency_id.format(adjustment.old_target),
                    new=adjustment.currency_id.format(adjustment.new_target),
                    user=adjustment.author_id.name,
                    reason=adjustment.reason,
                ),
            )
        return adjustments

    def write(self, vals):
        if vals:
            raise UserError(self.env._("Adjustments are an audit trail: they cannot be changed."))
        return super().write(vals)

    def unlink(self):
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            raise UserError(self.env._("Adjustments are an audit trail: they cannot be deleted."))
        return super().unlink()
