from odoo import fields, models, tools


class SpmLeaderboard(models.Model):
    """The honour roll (红榜) of published appraisals: what colleagues may see of each other once a
    campaign is closed (rank, score, grade, team), nothing of the scorecards behind it. A SQL view,
    the way Odoo's analysis reports are built."""

    _name = "spm.leaderboard"
    _description = "Leaderboard"
    _auto = False
    _order = "campaign_date desc, rank_company, id"
    _rec_name = "employee_id"

    appraisal_id = fields.Many2one("spm.appraisal", readonly=True)
    campaign_id = fields.Many2one("spm.appraisal.campaign", readonly=True)
    campaign_date = fields.Date(string="Campaign End", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    employee_id = fields.Many2one("hr.employee.public", string="Employee", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    score = fields.Float(readonly=True, digits=(16, 1), aggregator="max")
    grade_id = fields.Many2one("spm.appraisal.grade", string="Grade", readonly=True)
    grade_color = fields.Integer(related="grade_id.color")
    rank_team = fields.Integer(string="Rank in Team", readonly=True, aggregator="min")
    rank_company = fields.Integer(string="Rank", readonly=True, aggregator="min")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT a.id, a.id AS appraisal_id, a.campaign_id, c.date_to AS campaign_date, a.company_id,
                       a.employee_id, a.user_id, a.team_id, a.score, a.final_grade_id AS grade_id,
                       a.rank_team, a.rank_company
                  FROM spm_appraisal a
                  JOIN spm_appraisal_campaign c ON c.id = a.campaign_id
                 WHERE a.is_published
            )
            """
        )
