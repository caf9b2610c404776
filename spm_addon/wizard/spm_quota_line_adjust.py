from odoo import fields, models
from odoo.exceptions import UserError


class SpmQuotaLineAdjust(models.TransientModel):
    """Change a target in the middle of a period, saying why."""

    _name = "spm.quota.line.adjust"
    _description = "Adjust a Target"

    line_id = fields.Many2one("spm.quota.line", string="Target", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="line_id.currency_id")
    current_target = fields.Monetary(related="line_id.target", string="Current Target")
    new_target = fields.Monetary(required=True, currency_field="currency_id")
    reason = fields.Text(required=True)
    balance_mode = fields.Selection(related="line_id.plan_id.balance_mode")

    def action_apply(self):
        self.ensure_one()
        if self.new_target < 0:
            raise UserError(self.env._("A target cannot be negative (%(target)s).", target=self.new_target))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why the target changes: the reason is kept in the audit trail."))
        self.line_id.with_context(spm_adjust_reason=self.reason.strip()).write({"target": self.new_target})
        return {"type": "ir.actions.act_window_close"}
