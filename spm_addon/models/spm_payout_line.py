from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import access, explain, ratios

# What the run's computation writes: never typed in (an administrator's custom fields follow the
# user's access rights)
SERVER_FIELDS = {
    "statement_id", "user_id", "company_id", "currency_id", "res_model", "res_id", "reference", "document_date",
    "credited_amount", "rate", "amount", "rule", "rule_data", "kind", "origin_line_id",
}  # fmt: skip
# report models whose rows are the lines of a document, under the lines' ids (sale.report: one row per
# order line, its id the line's): a payout line on such a row names its line and opens its document
DOCUMENT_OF = {"sale.report": ("sale.order.line", "order_id")}


class SpmPayoutLine(models.Model):
    """A commission line: the source document it pays on, the rule and tier that produced it. Written
    by the run's computation only (``env.su``)."""

    _name = "spm.payout.line"
    _description = "Payout Line"
    _order = "statement_id, document_date, id"
    # a group's effective rate: what it pays over what it credits, in %
    _GROUP_RATIOS = {"rate": ("amount", "credited_amount", 100.0)}

    statement_id = fields.Many2one("spm.payout.statement", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one(related="statement_id.user_id")
    company_id = fields.Many2one(related="statement_id.company_id")
    currency_id = fields.Many2one(related="statement_id.currency_id")
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document ID", model_field="res_model", readonly=True)
    reference = fields.Char(string="Document", compute="_compute_reference", compute_sudo=True)
    document_date = fields.Date(readonly=True)
    credited_amount = fields.Monetary(string="Credited", currency_field="currency_id", readonly=True)
    rate = fields.Float(string="Effective Rate (%)", digits=(16, 4), readonly=True, aggregator="avg")
    amount = fields.Monetary(currency_field="currency_id", readonly=True)
    rule_data = fields.Json(readonly=True, help="How the line was computed (tools/explain.py).")
    rule = fields.Char(
        string="Rule and Tier", compute="_compute_rule", help="How the line was computed, in the reader's language."
    )
    kind = fields.Selection(
        [
            ("commission", "Commission"),
            ("spif", "SPIF"),
            ("bonus", "Grade Bonus"),
            ("override", "Team Leader Override"),
            ("draw", "Draw"),
            ("recovery", "Draw Recovery"),
            ("clawback", "Clawback"),
            ("dispute", "Dispute Adjustment"),
        ],
        readonly=True,
        index=True,
    )
    origin_line_id = fields.Many2one(
        "spm.payout.line", string="Clawback Of", readonly=True, index="btree_not_null", ondelete="restrict"
    )

    @api.depends("res_model", "res_id")
    def _compute_reference(self):
        for model, lines in self.grouped("res_model").items():
            if not model or model not in self.env:
                lines.reference = False
                continue
            source = DOCUMENT_OF.get(model, (model,))[0]
            documents = self.env[source].with_context(active_test=False).browse(lines.mapped("res_id")).exists()
            names = dict(zip(documents.ids, documents.mapped("display_name"), strict=True))
            for line in lines:
                line.reference = names.get(line.res_id, f"{model},{line.res_id}")

    @api.depends("rule_data", "currency_id")
    @api.depends_context("lang")
    def _compute_rule(self):
        for currency, lines in self.grouped("currency_id").items():
            renderer = explain.Renderer(self.env, currency)
            for line in lines:
                line.rule = renderer.render(line.rule_data)

    @api.depends("reference", "amount")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.reference or "-"

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        return ratios.select(self, self._GROUP_RATIOS, aggregate_spec, query) or super()._read_group_select(
            aggregate_spec, query
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Payout lines are computed by their payout run: use its Compute button."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            refused = access.field_labels(self, SERVER_FIELDS & set(vals))
            if refused:
                self.check_access("write")
                raise UserError(
                    self.env._(
                        "%(fields)s of a payout line are computed by its run, never written directly: dispute the "
                        "line instead.",
                        fields=", ".join(refused),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_by_run_only(self):
        if not self.env.su:
            raise UserError(self.env._("Payout lines go with their payout run: recompute or delete the draft run."))

    def action_dispute(self):
        """Open a new dispute on this line (the salesperson writes why)."""
        self.ensure_one()
        access.require(self.env, "user", self.env._("Disputes are for the users of Sales Performance."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "spm.payout.dispute",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def action_open_document(self):
        self.ensure_one()
        access.require(self.env, "user", self.env._("Source documents open for the users of Sales Performance."))
        model, res_id = self.res_model, self.res_id
        if model in DOCUMENT_OF:
            source, document = DOCUMENT_OF[model]
            model = self.env[source]._fields[document].comodel_name
            res_id = self.env[source].browse(res_id)[document].id
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "res_id": res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
