from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmHonourRule(models.Model):
    """Awards a gamification badge when an appraisal campaign closes: to the best ranked of each team
    or of the company, or to those who improved most since their previous appraisal."""

    _name = "spm.honour.rule"
    _description = "Honour Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty for every company.")
    badge_id = fields.Many2one("gamification.badge", required=True, ondelete="cascade")
    template_ids = fields.Many2many(
        "spm.appraisal.template", string="Templates", help="Leave empty for every template."
    )
    basis = fields.Selection(
        [("rank_company", "Rank in the company"), ("rank_team", "Rank in each team"), ("improvement", "Improvement")],
        required=True,
        default="rank_company",
        help="Improvement: the score gained since the employee's previous appraisal of the same template.",
    )
    top = fields.Integer(string="Top N", default=1, required=True, help="How many are honoured (ties included).")
    min_score = fields.Float(string="Minimum Score", help="Nobody below this score is honoured.")

    @api.constrains("top")
    def _check_top(self):
        for rule in self:
            if rule.top < 1:
                raise ValidationError(self.env._("Rule %(rule)s: Top N must be at least 1.", rule=rule.name))

    def _winners(self, campaign):
        """The appraisals of ``campaign`` the rule honours."""
        self.ensure_one()
        # a provisional appraisal (a criterion not rated) has no rank: it is honoured for nothing
        appraisals = campaign.appraisal_ids.filtered(lambda a: not a.is_provisional and a.score >= self.min_score)
        if self.basis == "rank_company":
            return appraisals.filtered(lambda a: a.rank_company <= self.top)
        if self.basis == "rank_team":
            return appraisals.filtered(lambda a: a.rank_team <= self.top)
        gains = appraisals.filtered("previous_score").sorted(lambda a: a.score - a.previous_score, reverse=True)
        gains = gains.filtered(lambda a: a.score > a.previous_score)
        if len(gains) <= self.top:
            return gains
        cutoff = gains[self.top - 1].score - gains[self.top - 1].previous_score
        return gains.filtered(lambda a: a.score - a.previous_score >= cutoff)

    @api.model
    def _award(self, campaign):
        """Grant the badges of every applicable rule once per campaign and employee."""
        rules = self.search(
            [
                ("company_id", "in", (False, campaign.company_id.id)),
                "|",
                ("template_ids", "=", False),
                ("template_ids", "in", campaign.template_id.ids),
            ]
        )
        BadgeUser = self.env["gamification.badge.user"].sudo()
        granted = {
            (badge_user.badge_id.id, badge_user.user_id.id)
            for badge_user in BadgeUser.search([("spm_campaign_id", "=", campaign.id)])
        }
        vals_list = []
        for rule in rules:
            for appraisal in rule._winners(campaign):
                key = (rule.badge_id.id, appraisal.user_id.id)
                if key in granted:
                    continue
                granted.add(key)
                vals_list.append(
                    {
                        "badge_id": rule.badge_id.id,
                        "user_id": appraisal.user_id.id,
                        "employee_id": appraisal.employee_id.id,
                        "sender_id": self.env.user.id,
                        "spm_campaign_id": campaign.id,
                        "comment": self.env._(
                            "%(rule)s, %(campaign)s: score %(score)s.",
                            rule=rule.name,
                            campaign=campaign.name,
                            score=round(appraisal.score, 1),
                        ),
                    }
                )
        badge_users = BadgeUser.create(vals_list)
        badge_users._send_badge()
        return badge_users
