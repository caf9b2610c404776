from odoo import fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..models.spm_quota_plan import STATES
from ..tools import access, ratios

FIGURES = [("target", "Target"), ("actual", "Actual")]
# the most report rows a drill-down opens the documents of (a pivot cell's rows, a list selection)
DRILL_LIMIT = 500


class SpmAttainmentReport(models.Model):
    """Attainment of the quota plans by period, sales team, salesperson, product category, region (the
    customer's country and state) and channel (UTM source and medium).

    Two kinds of rows: a target row per leaf quota line (read live), an actual row per fact of the
    plan's last refresh (``spm.attainment.fact``). A group's attainment is the sum of its actuals over
    the sum of its targets; a group without targets (a country, a source: targets are not set by
    region or channel) has none. Read with the quota lines' rules: a salesperson their own rows, a
    manager their teams', an administrator all."""

    _name = "spm.attainment.report"
    _description = "Attainment by Region and Channel"
    _auto = False
    _order = "date_from desc, id"
    _depends = {
        "spm.quota.line": ["plan_id", "company_id", "parent_id", "date_from", "date_to", "team_id", "user_id",
                           "categ_id", "target"],
        "spm.quota.plan": ["state"],
        "spm.attainment.fact": ["plan_id", "company_id", "date_from", "date_to", "user_id", "team_id", "categ_id",
                                "country_id", "state_id", "source_id", "medium_id", "amount"],
    }  # fmt: skip
    # a group's attainment: its actuals over its targets, in %
    _GROUP_RATIOS = {"attainment": ("actual", "target", 100.0)}

    plan_id = fields.Many2one("spm.quota.plan", string="Plan", readonly=True)
    plan_state = fields.Selection(STATES, string="Plan Status", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    figure = fields.Selection(FIGURES, readonly=True)
    line_id = fields.Many2one("spm.quota.line", string="Target Line", readonly=True)
    date_from = fields.Date(string="Period", readonly=True)
    date_to = fields.Date(string="Period End", readonly=True, aggregator=None)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    country_id = fields.Many2one("res.country", string="Customer Country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Customer State", readonly=True)
    source_id = fields.Many2one("utm.source", string="Source", readonly=True)
    medium_id = fields.Many2one("utm.medium", string="Medium", readonly=True)
    target = fields.Float(readonly=True, digits=(16, 2))
    actual = fields.Float(readonly=True, digits=(16, 2))
    amount = fields.Float(
        readonly=True, digits=(16, 2), help="The target of a target row, the actual of an actual row."
    )
    attainment = fields.Float(
        string="Attainment (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Actual over target: grouped, the sum of the actuals over the sum of the targets; empty "
        "where the group has no target (a region or a channel).",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT l.id * 2 AS id, l.plan_id, p.state AS plan_state, l.company_id, 'target' AS figure,
                   l.id AS line_id, l.date_from, l.date_to, l.team_id, l.user_id, l.categ_id,
                   NULL::integer AS country_id, NULL::integer AS state_id, NULL::integer AS source_id,
                   NULL::integer AS medium_id, COALESCE(l.target, 0)::float8 AS target, 0::float8 AS actual,
                   COALESCE(l.target, 0)::float8 AS amount, CASE WHEN l.target > 0 THEN 0.0 END AS attainment
              FROM spm_quota_line l
              JOIN spm_quota_plan p ON p.id = l.plan_id
             WHERE NOT EXISTS (SELECT 1 FROM spm_quota_line kid WHERE kid.parent_id = l.id)
            UNION ALL
            SELECT f.id * 2 + 1, f.plan_id, p.state, f.company_id, 'actual', NULL, f.date_from, f.date_to, f.team_id,
                   f.user_id, f.categ_id, f.country_id, f.state_id, f.source_id, f.medium_id, 0::float8,
                   f.amount::float8, f.amount::float8, NULL
              FROM spm_attainment_fact f
              JOIN spm_quota_plan p ON p.id = f.plan_id
            """
        )

    def _read_group_select(self, aggregate_spec, query):
        return ratios.select(self, self._GROUP_RATIOS, aggregate_spec, query) or super()._read_group_select(
            aggregate_spec, query
        )

    def action_open_report(self):
        """The analysis of one plan, the latest running one the user reads: plans count different
        measures, and their sums mean nothing together."""
        return self.env["spm.quota.line"].action_open_analysis(xml_id="spm_addon.spm_attainment_report_action")

    def action_open_documents(self):
        """The documents behind these rows (a pivot cell, a list selection): the source records of the
        actual rows, else the target lines. The user's own rights apply to what opens."""
        access.require(self.env, "user", self.env._("Source documents open for the users of Sales Performance."))
        if not self:
            raise UserError(self.env._("Select the rows whose documents you want to see."))
        if len(self) > DRILL_LIMIT:
            raise UserError(
                self.env._(
                    "%(count)s rows are too many to open their documents (at most %(limit)s): group or filter the "
                    "analysis further, then open a smaller figure.",
                    count=len(self),
                    limit=DRILL_LIMIT,
                )
            )
        actuals = self.filtered(lambda row: row.figure == "actual")
        if not actuals:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Targets"),
                "res_model": "spm.quota.line",
                "view_mode": "list,form",
                "views": [(False, "list"), (False, "form")],
                "domain": [("id", "in", self.line_id.ids)],
                "context": {"create": False},
            }
        plans = actuals.plan_id
        if len(plans) > 1:
            raise UserError(self.env._("Open the documents of one plan at a time: plans count different measures."))
        measure = plans.measure_id.sudo()
        date_from, date_to = min(actuals.mapped("date_from")), max(actuals.mapped("date_to"))
        domain = expression.OR([actuals._document_domain(measure, row) for row in actuals])
        return measure._source_action(date_from, date_to, domain)

    def _document_domain(self, measure, row):
        """Domain, on the measure's model, of the records an actual row sums."""
        domain = measure._date_bounds(row.date_from, row.date_to)
        domain += measure._owner_domain(row.user_id.ids) if row.user_id else [(measure.user_field_id.name, "=", False)]
        for field, value in (
            (measure.team_field_id, row.team_id),
            (measure.categ_field_id, row.categ_id),
            (measure.source_field_id, row.source_id),
            (measure.medium_field_id, row.medium_id),
        ):
            if field:
                domain.append((field.name, "=", value.id))
        if measure.partner_field_id:
            partner = measure.partner_field_id.name
            domain += [(f"{partner}.country_id", "=", row.country_id.id), (f"{partner}.state_id", "=", row.state_id.id)]
        return domain
