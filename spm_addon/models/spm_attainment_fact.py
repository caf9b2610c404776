from odoo import fields, models
from odoo.tools import SQL

from ..tools import bulk


class SpmAttainmentFact(models.Model):
    """The actuals of a quota plan by period, salesperson, team, product category, customer country and
    state, UTM source and medium: what the attainment analysis groups beside the targets. Rebuilt by
    the plan's refresh of figures from one grouped query of its measure; read by the server only."""

    _name = "spm.attainment.fact"
    _description = "Attainment Actual"
    _order = "plan_id, date_from, id"

    plan_id = fields.Many2one("spm.quota.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True)
    date_from = fields.Date(string="Period", required=True)
    date_to = fields.Date(string="Period End", required=True)
    user_id = fields.Many2one("res.users", string="Salesperson")
    team_id = fields.Many2one("crm.team", string="Sales Team")
    categ_id = fields.Many2one("product.category", string="Product Category")
    country_id = fields.Many2one("res.country", string="Customer Country")
    state_id = fields.Many2one("res.country.state", string="Customer State")
    source_id = fields.Many2one("utm.source", string="Source")
    medium_id = fields.Many2one("utm.medium", string="Medium")
    amount = fields.Float(digits=(16, 2))

    def _rebuild(self, plan):
        """Replace the facts of ``plan`` with its measure's figures in its scope, grouped by the plan's
        leaf periods (a record falls in the period that starts last on or before its date), salesperson,
        team (without a team field on the measure: the salesperson's team in the plan), category (the
        plan's nearest target category above the record's, as the lines count subcategories, else its own),
        country, state, source and medium: one INSERT ... SELECT. Returns the number of facts."""
        plan.ensure_one()
        self.env["spm.quota.line"].flush_model()
        figures = plan.measure_id._values_sql(
            plan.date_from,
            plan.date_to,
            ("user", "team", "categ", "country", "state", "source", "medium", plan._buckets_groupby()[-1]),
            domain=plan._scope_domain(),
            company_ids=plan.company_id.ids,
        )
        self.env.cr.execute(SQL("DELETE FROM spm_attainment_fact WHERE plan_id = %s", plan.id))
        with bulk.without_jit(self.env.cr):
            self.env.cr.execute(
                SQL(
                    """
            WITH fig (user_id, team_id, categ_id, country_id, state_id, source_id, medium_id, day, amount)
                 AS MATERIALIZED (%(figures)s),
            leaf AS (
                SELECT DISTINCT ON (line.date_from) line.date_from, line.date_to
                  FROM spm_quota_line line
                 WHERE line.plan_id = %(plan)s
                   AND NOT EXISTS (SELECT 1 FROM spm_quota_line kid WHERE kid.parent_id = line.id)
              ORDER BY line.date_from, line.date_to
            ),
            period AS (
                SELECT date_from, LEAST(date_to, LEAD(date_from) OVER (ORDER BY date_from) - 1) AS date_to FROM leaf
            ),
            member AS (
                SELECT DISTINCT ON (line.user_id) line.user_id, line.team_id
                  FROM spm_quota_line line
                 WHERE line.plan_id = %(plan)s AND line.level = 'user' AND line.team_id IS NOT NULL
              ORDER BY line.user_id, line.team_id
            ),
            target_categ AS (
                SELECT DISTINCT categ.id, categ.parent_path
                  FROM spm_quota_line line JOIN product_category categ ON categ.id = line.categ_id
                 WHERE line.plan_id = %(plan)s
            ),
            -- a document's category counts for the plan's nearest target category above it (as its lines do)
            categ_map AS (
                SELECT DISTINCT ON (categ.id) categ.id AS categ_id, target.id AS target_id
                  FROM product_category categ
                  JOIN target_categ target ON starts_with(categ.parent_path, target.parent_path)
              ORDER BY categ.id, length(target.parent_path) DESC
            )
            INSERT INTO spm_attainment_fact (plan_id, company_id, date_from, date_to, user_id, team_id, categ_id,
                                             country_id, state_id, source_id, medium_id, amount,
                                             create_uid, create_date, write_uid, write_date)
            SELECT %(plan)s, %(company)s, period.date_from, period.date_to, fig.user_id,
                   COALESCE(fig.team_id, member.team_id), COALESCE(categ_map.target_id, fig.categ_id), fig.country_id,
                   fig.state_id, fig.source_id, fig.medium_id, SUM(fig.amount),
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM fig
              JOIN period ON fig.day BETWEEN period.date_from AND period.date_to
              LEFT JOIN member ON member.user_id = fig.user_id
              LEFT JOIN categ_map ON categ_map.categ_id = fig.categ_id
          GROUP BY period.date_from, period.date_to, fig.user_id, COALESCE(fig.team_id, member.team_id),
                   COALESCE(categ_map.target_id, fig.categ_id), fig.country_id, fig.state_id, fig.source_id,
                   fig.medium_id
                """,
                    figures=figures,
                    plan=plan.id,
                    company=plan.company_id.id,
                    # the audit columns, as the ORM fills them: who rebuilt the facts, at the transaction's time
                    uid=self.env.uid,
                    now=self.env.cr.now(),
                )
            )
            count = self.env.cr.rowcount
        self.invalidate_model()
        return count
