from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import access, explain, ratios

# What the run's computation and its buttons write: never typed in. Every other field (the plan's
# Properties, an administrator's custom fields, the chatter's) follows the user's access rights.
SERVER_FIELDS = {
    "run_id", "plan_id", "company_id", "currency_id", "state", "date_from", "date_to", "user_id", "team_id",
    "credited_amount", "target", "attainment", "commission", "rule", "rule_data", "line_ids", "amount",
    "approved_by_id", "approved_date",
}  # fmt: skip


class SpmPayoutStatement(models.Model):
    """What one salesperson earns in a payout run: credited amount, attainment, commission and the
    lines that make it up. Written by the run's computation and its buttons only (``env.su``): its
    figures, author and approval are never typed in. Its Properties are defined per commission plan."""

    _name = "spm.payout.statement"
    _inherit = ["mail.thread"]
    _description = "Payout Statement"
    _order = "run_id desc, user_id"
    _rec_names_search = ["user_id", "run_id"]
    # a group's attainment: its credited amounts over its targets, in %
    _GROUP_RATIOS = {"attainment": ("credited_amount", "target", 100.0)}

    run_id = fields.Many2one("spm.payout.run", required=True, ondelete="cascade", index=True)
    # the run's plan, given by the run in the values it creates statements with (also on the ORM
    # path of a bulk insert, which leaves related fields to the ORM) so that Properties get their
    # defaults; the run's write deletes its statements when its plan changes
    plan_id = fields.Many2one(
        "spm.incentive.plan", compute="_compute_plan_id", store=True, readonly=False, precompute=True, index=True
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    state = fields.Selection(related="run_id.state", store=True)
    date_from = fields.Date(related="run_id.date_from")
    date_to = fields.Date(related="run_id.date_to")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True, readonly=True)
    team_id = fields.Many2one("crm.team", compute="_compute_team_id", store=True, index=True)
    credited_amount = fields.Monetary(string="Credited", currency_field="currency_id", readonly=True)
    target = fields.Monetary(currency_field="currency_id", readonly=True)
    attainment = fields.Float(string="Attainment (%)", digits=(16, 1), readonly=True, aggregator="avg")
    commission = fields.Monetary(currency_field="currency_id", readonly=True)
    rule_data = fields.Json(
        string="How (Data)", readonly=True, help="How the commission was computed (tools/explain.py)."
    )
    rule = fields.Char(
        string="How", compute="_compute_rule", help="How the commission was computed, in the reader's language."
    )
    line_ids = fields.One2many("spm.payout.line", "statement_id", string="Lines", readonly=True)
    amount = fields.Monetary(
        string="To Pay",
        currency_field="currency_id",
        compute="_compute_amount",
        store=True,
        help="Commission and clawbacks.",
    )
    approved_by_id = fields.Many2one("res.users", string="Approved By", readonly=True, index="btree_not_null")
    approved_date = fields.Datetime(string="Approved On", readonly=True)
    properties = fields.Properties(definition="plan_id.statement_properties_definition", copy=True)

    @api.depends("run_id")
    def _compute_plan_id(self):
        for statement in self:
            statement.plan_id = statement.run_id.plan_id

    @api.depends("user_id")
    def _compute_team_id(self):
        for statement in self:
            statement.team_id = statement.user_id.sale_team_id

    @api.depends("line_ids.amount")
    def _compute_amount(self):
        # one grouped query for the statements of a run (thousands of lines each at scale)
        stored = self.filtered("id")
        totals = dict(
            self.env["spm.payout.line"]
            .sudo()
            ._read_group([("statement_id", "in", stored.ids)], ["statement_id"], ["amount:sum"])
        )
        for statement in stored:
            statement.amount = totals.get(statement, 0.0)
        for statement in self - stored:
            statement.amount = sum(statement.line_ids.mapped("amount"))

    @api.depends("rule_data", "currency_id")
    @api.depends_context("lang")
    def _compute_rule(self):
        for currency, statements in self.grouped("currency_id").items():
            renderer = explain.Renderer(self.env, currency)
            for statement in statements:
                statement.rule = renderer.render(statement.rule_data)

    @api.depends("user_id", "run_id")
    def _compute_display_name(self):
        for statement in self:
            statement.display_name = f"{statement.user_id.name} - {statement.run_id.name}"

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        return ratios.select(self, self._GROUP_RATIOS, aggregate_spec, query) or super()._read_group_select(
            aggregate_spec, query
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Statements are computed by their payout run: use its Compute button."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")
            refused = access.field_labels(self, SERVER_FIELDS & set(vals))
            if refused:
                raise UserError(
                    self.env._(
                        "%(fields)s of a payout statement are computed and approved by its run's buttons "
                        "(Compute, Approve), never written directly.",
                        fields=", ".join(refused),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_by_run_only(self):
        if not self.env.su:
            raise UserError(self.env._("Statements go with their payout run: recompute or delete the draft run."))
