from odoo import api, fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    spm_user_id = fields.Many2one(
        "res.users",
        string="Customer's Salesperson",
        compute="_compute_spm_user_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="The salesperson of the customer who answered: satisfaction KPIs are credited to them.",
    )

    @api.depends("partner_id")
    def _compute_spm_user_id(self):
        for user_input in self:
            partner = user_input.partner_id.commercial_partner_id
            user_input.spm_user_id = user_input.partner_id.user_id or partner.user_id
