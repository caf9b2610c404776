from odoo import api, fields, models
from odoo.exceptions import UserError


class SpmPayoutDispute(models.Model):
    """A salesperson disputes a statement line; the manager accepts it (an adjustment paid by the
    plan's next run) or rejects it, and the conversation stays in the chatter."""

    _name = "spm.payout.dispute"
    _inherit = ["mail.thread"]
    _description = "Payout Dispute"
    _order = "id desc"

    line_id = fields.Many2one("spm.payout.line", required=True, ondelete="restrict", index=True)
    statement_id = fields.Many2one(related="line_id.statement_id", store=True)
    plan_id = fields.Many2one(related="statement_id.plan_id", store=True)
    user_id = fields.Many2one(related="line_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="statement_id.team_id", store=True)
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    currency_id = fields.Many2one(related="line_id.currency_id")
    comment = fields.Text(required=True)
    state = fields.Selection(
        [("open", "Open"), ("accepted", "Accepted"), ("rejected", "Rejected")],
        default="open",
        required=True,
        tracking=True,
    )
    adjustment_amount = fields.Monetary(currency_field="currency_id", tracking=True)

    @api.depends("line_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = self.env._("Dispute on %(line)s", line=dispute.line_id.reference or "-")

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        for dispute in disputes:
            if dispute.user_id != self.env.user and not self.env.user.has_group("spm_addon.group_spm_manager"):
                raise UserError(self.env._("You can only dispute your own statement lines."))
        return disputes

    def write(self, vals):
        if {"state", "adjustment_amount", "line_id"} & set(vals) and not self.env.user.has_group(
            "spm_addon.group_spm_manager"
        ):
            raise UserError(self.env._("Only a manager resolves a dispute."))
        if any(dispute.state != "open" for dispute in self) and "state" in vals:
            raise UserError(self.env._("This dispute is already resolved."))
        return super().write(vals)

    def action_accept(self):
        for dispute in self:
            if not dispute.adjustment_amount:
                raise UserError(self.env._("Set the adjustment to pay (or take back) before accepting."))
        self.write({"state": "accepted"})
        for dispute in self:
            dispute.message_post(
                body=self.env._(
                    "Accepted: an adjustment of %(amount)s is paid by the next payout run.",
                    amount=dispute.adjustment_amount,
                ),
                partner_ids=dispute.user_id.partner_id.ids,
            )
        return True

    def action_reject(self):
        self.write({"state": "rejected"})
        for dispute in self:
            dispute.message_post(body=self.env._("Rejected."), partner_ids=dispute.user_id.partner_id.ids)
        return True
