from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import access


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
        """The only way a target of an active plan changes: the caller must be a manager who may change
        the line (the record rules of the teams they lead) and every sibling it rebalances; the line
        then applies the change as server code and records it in the caller's name."""
        self.ensure_one()
        access.require(self.env, "manager", self.env._("Only managers and administrators adjust targets."))
        line = self.line_id
        if not line.has_access("write"):  # check_access("write"), with a message that says what to do
            raise AccessError(
                self.env._(
                    "You adjust only the targets of the teams you lead: %(line)s is not one of them. Ask an "
                    "administrator.",
                    line=line.sudo().display_name,
                )
            )
        if line.plan_id.state != "active":
            line.plan_id._check_editable()
            access.require(
                self.env,
                "admin",
                self.env._(
                    "The plan %(plan)s is not active yet: only an administrator sets its targets.",
                    plan=line.plan_id.name,
                ),
            )
        if self.new_target < 0:
            raise UserError(self.env._("A target cannot be negative (%(target)s).", target=self.new_target))
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the target changes: the reason is kept in the audit trail."))
        siblings = line._rebalanced_siblings()
        denied = siblings - siblings._filtered_access("write")
        if denied:
            raise AccessError(
                self.env._(
                    "Changing %(line)s rebalances %(others)s, which you may not change. Ask an administrator, "
                    "or adjust a target inside your own team.",
                    line=line.display_name,
                    others=", ".join(denied.sudo().mapped("display_name")),
                )
            )
        line._apply_adjustment(self.new_target, reason)
        return {"type": "ir.actions.act_window_close"}
