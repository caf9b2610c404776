from odoo import fields, models


class SpmCareerLevel(models.Model):
    """A level of the company's promotion path (晋升通道), e.g. Sales Representative > Senior Sales
    Representative > Team Leader, in the order of ``sequence``; its criteria are what a person must
    meet to reach it."""

    _name = "spm.career.level"
    _description = "Career Level"
    _check_company_auto = True
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Levels are climbed in this order, lowest first.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    description = fields.Text(translate=True)
    criterion_ids = fields.One2many("spm.career.criterion", "level_id", string="Criteria to Reach It")

    def _rank(self):
        self.ensure_one()
        return (self.sequence, self.id)

    def _is_above(self, other):
        """Whether this level comes after ``other`` on the path (any level is above no level)."""
        self.ensure_one()
        return not other or self._rank() > other._rank()

    def _next_of(self, current_by_key, companies):
        """{key: next level} for each key of ``current_by_key`` ({key: (level or empty, company)}):
        the first level of the company above the current one. One search for all."""
        levels = self.search([("company_id", "in", companies.ids)])
        result = {}
        for key, (current, company) in current_by_key.items():
            above = levels.filtered(lambda level, c=current, co=company: level.company_id == co and level._is_above(c))
            if above:
                result[key] = above[0]
        return result
