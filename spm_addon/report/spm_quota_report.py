from odoo import fields, models
from odoo.tools import SQL

from ..models.spm_quota_line import LEVELS, PERIOD_TYPES
from ..models.spm_quota_plan import STATES

FIGURES = [("target", "Target"), ("actual", "Actual"), ("expected", "Expected to Date")]


class SpmQuotaReport(models.Model):
    """Targets and actuals of quota lines as rows of one measure, one row per line and figure, so that a
    graph shows them side by side (a graph draws one measure: the figure is its dimension). Read with
    the quota lines' rules: a salesperson their own, a manager their teams', an administrator all."""

    _name = "spm.quota.report"
    _description = "Targets and Actuals"
    _auto = False
    _rec_name = "line_id"
    _order = "date_from desc, line_id, figure"
    _depends = {
        "spm.quota.line": [
            "plan_id", "company_id", "level", "period_type", "date_from", "team_id", "user_id", "categ_id",
            "target", "actual_amount", "expected_amount",
        ],
        "spm.quota.plan": ["state"],
    }  # fmt: skip

    line_id = fields.Many2one("spm.quota.line", string="Target Line", readonly=True)
    plan_id = fields.Many2one("spm.quota.plan", string="Plan", readonly=True)
    plan_state = fields.Selection(STATES, string="Plan Status", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    level = fields.Selection(LEVELS, readonly=True)
    period_type = fields.Selection(PERIOD_TYPES, readonly=True)
    date_from = fields.Date(string="Period", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    figure = fields.Selection(FIGURES, readonly=True)
    amount = fields.Float(readonly=True, digits=(16, 2))

    @property
    def _table_query(self):
        columns = SQL(
            "l.id AS line_id, l.plan_id, p.state AS plan_state, l.company_id, l.level, l.period_type, "
            "l.date_from, l.team_id, l.user_id, l.categ_id"
        )
        parts = [
            SQL(
                "SELECT l.id * 3 + %s AS id, %s, %s AS figure, COALESCE(l.%s, 0) AS amount "
                "FROM spm_quota_line l JOIN spm_quota_plan p ON p.id = l.plan_id",
                offset,
                columns,
                figure,
                SQL.identifier(column),
            )
            for offset, (figure, column) in enumerate(
                [("target", "target"), ("actual", "actual_amount"), ("expected", "expected_amount")]
            )
        ]
        return SQL(" UNION ALL ").join(parts)

    def action_open_report(self):
        """Targets and actuals of one plan, the latest running one the user reads (the analysis of
        quota lines opens on the same plan): two plans' figures are never summed."""
        return self.env["spm.quota.line"].action_open_analysis(xml_id="spm_addon.spm_quota_report_action")
