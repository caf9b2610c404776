from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..tools import access

STATES = [("open", "Open"), ("accepted", "Accepted"), ("rejected", "Rejected")]
# set by Accept and Reject, or taken from the disputed line: never written directly
SERVER_FIELDS = {
    "line_id", "statement_id", "plan_id", "user_id", "team_id", "company_id", "currency_id", "state",
    "resolved_by_id", "resolved_date",
}  # fmt: skip
# written while the dispute is open: the comment by the salesperson or the resolver, the adjustment by
# the resolver; every other field (an administrator's custom fields, the chatter's) follows the user's
# access rights
OPEN_FIELDS = {"comment", "adjustment_amount"}


class SpmPayoutDispute(models.Model):
    """A salesperson disputes a statement line; the leader of the statement's team (or an
    administrator) sets the adjustment and accepts it (paid by the plan's next run) or rejects it, and
    the conversation stays in the chatter. The state and who resolved it move only through Accept and
    Reject."""

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
    state = fields.Selection(STATES, default="open", required=True, readonly=True, tracking=True)
    adjustment_amount = fields.Monetary(
        currency_field="currency_id",
        tracking=True,
        help="Set by the leader of the statement's team (or an administrator) before accepting.",
    )
    resolved_by_id = fields.Many2one("res.users", string="Resolved By", readonly=True)
    resolved_date = fields.Datetime(string="Resolved On", readonly=True)

    @api.depends("line_id")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = self.env._("Dispute on %(line)s", line=dispute.line_id.reference or "-")

    def _is_resolver(self, user):
        """Whether ``user`` resolves this dispute: an administrator, or a manager leading the team of
        the disputed statement (never for their own statement)."""
        self.ensure_one()
        if user.has_group("spm_addon.group_spm_admin"):
            return True
        dispute = self.sudo()
        return (
            user.has_group("spm_addon.group_spm_manager")
            and dispute.team_id.user_id == user
            and dispute.user_id != user
        )

    def _refuse_unless_resolver(self):
        user = self.env.user
        for dispute in self:
            if not dispute._is_resolver(user):
                raise UserError(
                    self.env._(
                        "%(user)s cannot resolve %(dispute)s of %(salesperson)s: the leader of team %(team)s or "
                        "an administrator does.",
                        user=user.name,
                        dispute=dispute.display_name,
                        salesperson=dispute.sudo().user_id.name,
                        team=dispute.sudo().team_id.name or "-",
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                server = ("state", "resolved_by_id", "resolved_date")
                refused = sorted(f for f in server if f in vals and vals[f] not in ("open", False))
                if refused:
                    raise UserError(
                        self.env._(
                            "A dispute is created open: %(fields)s are set by its Accept and Reject buttons.",
                            fields=", ".join(refused),
                        )
                    )
        disputes = super().create(vals_list)
        if not self.env.su:
            user = self.env.user
            for dispute in disputes:
                if dispute.user_id != user and not dispute._is_resolver(user):
                    raise UserError(
                        self.env._(
                            "You can only dispute your own statement lines, not those of %(salesperson)s.",
                            salesperson=dispute.user_id.name,
                        )
                    )
                if dispute.adjustment_amount:
                    dispute._refuse_unless_resolver()
        return disputes

    def write(self, vals):
        if not self.env.su:
            refused = access.field_labels(self, SERVER_FIELDS & set(vals))
            if refused:
                raise UserError(
                    self.env._(
                        "%(fields)s of a dispute are set by its Accept and Reject buttons, never written directly.",
                        fields=", ".join(refused),
                    )
                )
            if OPEN_FIELDS & set(vals):
                for dispute in self:
                    if dispute.state != "open":
                        raise UserError(
                            self.env._(
                                "%(dispute)s is already resolved: it never changes.", dispute=dispute.display_name
                            )
                        )
                    if "adjustment_amount" in vals:
                        dispute._refuse_unless_resolver()
                    if "comment" in vals and dispute.user_id != self.env.user:
                        dispute._refuse_unless_resolver()
        return super().write(vals)

    def action_accept(self):
        access.require(self.env, "manager", self.env._("A sales manager resolves payout disputes."))
        self._check_open()
        self._refuse_unless_resolver()
        for dispute in self:
            if not dispute.adjustment_amount:
                raise UserError(
                    self.env._(
                        "Set the adjustment to pay (or take back) on %(dispute)s before accepting.",
                        dispute=dispute.display_name,
                    )
                )
        self.sudo()._resolve("accepted")
        for dispute in self:
            local = dispute.with_context(lang=dispute.user_id.lang or self.env.lang)  # for the salesperson told
            dispute.message_post(
                body=local.env._(
                    "Accepted: an adjustment of %(amount)s is paid by the next payout run.",
                    amount=format_amount(local.env, dispute.adjustment_amount, dispute.currency_id),
                ),
                partner_ids=dispute.user_id.partner_id.ids,
            )
        return True

    def action_reject(self):
        access.require(self.env, "manager", self.env._("A sales manager resolves payout disputes."))
        self._check_open()
        self._refuse_unless_resolver()
        self.sudo()._resolve("rejected")
        for dispute in self:
            local = dispute.with_context(lang=dispute.user_id.lang or self.env.lang)  # for the salesperson told
            dispute.message_post(body=local.env._("Rejected."), partner_ids=dispute.user_id.partner_id.ids)
        return True

    def _check_open(self):
        for dispute in self:
            if dispute.state != "open":
                raise UserError(self.env._("%(dispute)s is already resolved.", dispute=dispute.display_name))

    def _resolve(self, state):
        self.write({"state": state, "resolved_by_id": self.env.uid, "resolved_date": fields.Datetime.now()})
