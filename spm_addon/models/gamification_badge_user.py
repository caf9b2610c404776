from odoo import fields, models


class GamificationBadgeUser(models.Model):
    _inherit = "gamification.badge.user"

    spm_campaign_id = fields.Many2one(
        "spm.appraisal.campaign", string="Appraisal Campaign", index="btree_not_null", ondelete="set null"
    )
