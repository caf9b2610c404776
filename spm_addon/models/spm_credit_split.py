from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.float_utils import float_compare


class SpmCreditSplit(models.Model):
    """Shares a document's credit between several salespeople (e.g. 60 / 40) in a commission plan."""

    _name = "spm.credit.split"
    _description = "Credit Split"
    _order = "plan_id, id"

    plan_id = fields.Many2one("spm.incentive.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    document_ref = fields.Reference(
        selection=[("sale.order", "Sale Order"), ("account.move", "Invoice"), ("crm.lead", "Opportunity")],
        string="Document",
        required=True,
    )
    share_ids = fields.One2many("spm.credit.split.share", "split_id", string="Shares", copy=True)

    @api.constrains("share_ids", "document_ref")
    def _check_shares(self):
        for split in self:
            total = sum(split.share_ids.mapped("percent"))
            if float_compare(total, 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._(
                        "The split of %(document)s gives %(total)s %%: the shares must total 100 %%.",
                        document=split.document_ref.display_name if split.document_ref else "-",
                        total=round(total, 2),
                    )
                )
            if len(split.share_ids.user_id) != len(split.share_ids):
                raise ValidationError(self.env._("A salesperson appears twice in the same split."))
            if split.document_ref and split.document_ref._name != split.plan_id.measure_id.model_name:
                raise ValidationError(
                    self.env._(
                        "Plan %(plan)s credits %(model)s records: split one of those.",
                        plan=split.plan_id.name,
                        model=split.plan_id.measure_id.model_id.name,
                    )
                )
