from odoo import fields, models
from odoo.tools import SQL

from ..tools import access, ratios


class SpmFunnelReport(models.Model):
    """The sales funnel: one row per opportunity and stage it reached, open, won and lost ones.

    An opportunity has reached every stage of its team up to its own by sequence (a lost one, the
    stage where it was lost). "Reached" and "Won" count opportunities, each once in a group whatever
    the number of its rows: grouped by stage, those that got that far and those of them won; on a
    salesperson, a team, a month or the total, those that entered the funnel and those won. The win
    rate is won over reached, so the total's is the funnel's, never a sum over stages; a stage's
    conversion is the share of those that reached it and moved on to a later stage.
    Each opportunity's own figures (expected revenue, cycle time, the opportunity count) are on the
    row of its own stage only, so that they add up once whatever the grouping. Read as the
    opportunities' salespeople."""

    _name = "spm.funnel.report"
    _description = "Sales Funnel"
    _auto = False
    _rec_name = "lead_id"
    _order = "create_date desc, lead_id desc, stage_sequence"
    _depends = {  # what the view reads
        "crm.lead": [
            "type", "active", "probability", "stage_id", "team_id", "user_id", "company_id", "country_id",
            "state_id", "source_id", "medium_id", "create_date", "date_closed", "expected_revenue",
        ],
        "crm.stage": ["sequence", "team_id", "is_won"],
    }  # fmt: skip
    # the measures that count opportunities, each once in a group, and their ratios in %
    _DISTINCT_MEASURES = ("reached_count", "won_count", "advanced_count", "conversion", "stage_conversion")

    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    stage_id = fields.Many2one(
        "crm.stage", string="Stage Reached", readonly=True, help="A stage the opportunity got to (or beyond)."
    )
    stage_sequence = fields.Integer(readonly=True, aggregator=None)
    lead_stage_id = fields.Many2one(
        "crm.stage", string="Current Stage", readonly=True, help="Where the opportunity is, or was lost or won."
    )
    is_lead_stage = fields.Boolean(string="Own Stage", readonly=True)
    is_won_stage = fields.Boolean(string="Won Stage", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    country_id = fields.Many2one("res.country", string="Country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="State", readonly=True)
    source_id = fields.Many2one("utm.source", string="Source", readonly=True)
    medium_id = fields.Many2one("utm.medium", string="Medium", readonly=True)
    create_date = fields.Date(string="Created On", readonly=True)
    date_closed = fields.Date(string="Closed On", readonly=True)
    status = fields.Selection([("open", "Open"), ("won", "Won"), ("lost", "Lost")], readonly=True)
    reached_count = fields.Integer(
        string="Reached",
        readonly=True,
        help="Opportunities, each counted once: by stage, those that reached the stage; by salesperson, "
        "team, month or in total, those that entered the funnel.",
    )
    won_count = fields.Integer(string="Won", readonly=True, help="Of those, the opportunities won, each counted once.")
    advanced_count = fields.Integer(
        string="Moved On",
        readonly=True,
        help="Of those, the opportunities that went on to a later stage (a won one, to every stage before the "
        "won stage), each counted once.",
    )
    stage_conversion = fields.Float(
        string="Stage Conversion (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Moved on over reached: by stage, the share of the opportunities that reached it and went on to a "
        "later stage (none after the won stage); by salesperson, team, month or in total, the share of those "
        "that entered the funnel and got past their first stage.",
    )
    conversion = fields.Float(
        string="Win Rate (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Won over reached: by stage, the share of the opportunities that reached it and were won; "
        "by salesperson, team, month or in total, the win rate of the opportunities that entered the funnel.",
    )
    opportunity_count = fields.Integer(string="Opportunities", readonly=True)
    expected_revenue = fields.Monetary(currency_field="currency_id", readonly=True)
    cycle_days = fields.Float(
        string="Cycle Time (days)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="From creation to closing, for the won and lost opportunities.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH lead AS (
                SELECT l.*, ls.sequence AS lead_sequence,
                       CASE WHEN l.active AND ls.is_won THEN 'won'
                            WHEN NOT l.active THEN 'lost' ELSE 'open' END AS status
                  FROM crm_lead l
                  JOIN crm_stage ls ON ls.id = l.stage_id
                 WHERE l.type = 'opportunity' AND (l.active OR COALESCE(l.probability, 0) = 0)
            )
            SELECT l.id::bigint * 100000 + s.id AS id, l.id AS lead_id, s.id AS stage_id, s.sequence AS stage_sequence,
                   l.stage_id AS lead_stage_id, s.id = l.stage_id AS is_lead_stage,
                   COALESCE(s.is_won, FALSE) AS is_won_stage, l.company_id,
                   c.currency_id, l.team_id, l.user_id, l.country_id, l.state_id, l.source_id, l.medium_id,
                   l.create_date::date AS create_date, l.date_closed::date AS date_closed, l.status,
                   1 AS reached_count, CASE l.status WHEN 'won' THEN 1 ELSE 0 END AS won_count,
                   CASE l.status WHEN 'won' THEN 100.0 ELSE 0.0 END AS conversion,
                   CASE WHEN s.id != l.stage_id AND NOT COALESCE(s.is_won, FALSE) THEN 1 ELSE 0 END AS advanced_count,
                   CASE WHEN COALESCE(s.is_won, FALSE) THEN NULL
                        WHEN s.id != l.stage_id THEN 100.0 ELSE 0.0 END AS stage_conversion,
                   CASE WHEN s.id = l.stage_id THEN 1 ELSE 0 END AS opportunity_count,
                   CASE WHEN s.id = l.stage_id THEN l.expected_revenue ELSE 0 END AS expected_revenue,
                   CASE WHEN s.id = l.stage_id AND l.status != 'open' AND l.date_closed IS NOT NULL
                        THEN l.date_closed::date - l.create_date::date END AS cycle_days
              FROM lead l
              JOIN res_company c ON c.id = l.company_id
              JOIN crm_stage s ON (s.id = l.stage_id
                                   OR (s.sequence <= l.lead_sequence AND NOT COALESCE(s.is_won, FALSE)
                                       AND (s.team_id IS NULL OR s.team_id = l.team_id)))
            """
        )

    def _read_group_select(self, aggregate_spec, query):
        """Reached, won and moved on count distinct opportunities: an opportunity has a row per stage it
        reached, and a sum over stages would count it once per stage (45 "entered" for 20 opportunities).
        The win rate and the stage conversion are ratios of those counts."""
        fname, _sep, func = aggregate_spec.partition(":")
        if fname not in self._DISTINCT_MEASURES or func not in ratios.GROUP_FUNCTIONS:
            return super()._read_group_select(aggregate_spec, query)

        def leads(condition=None):
            lead = self._field_to_sql(self._table, "lead_id", query)
            return SQL("COUNT(DISTINCT %s)", SQL("CASE WHEN %s THEN %s END", condition, lead) if condition else lead)

        def flagged(name):
            return SQL("%s = 1", self._field_to_sql(self._table, name, query))

        counts = {
            "reached_count": leads(),
            "won_count": leads(flagged("won_count")),
            "advanced_count": leads(flagged("advanced_count")),
        }
        if fname in counts:
            return counts[fname]
        if fname == "conversion":
            numerator, denominator = counts["won_count"], counts["reached_count"]
        else:  # a won stage has no later stage: it is left out of the stage conversion
            numerator = counts["advanced_count"]
            denominator = leads(SQL("NOT %s", self._field_to_sql(self._table, "is_won_stage", query)))
        return SQL("%s::float / NULLIF(%s, 0) * 100.0", numerator, denominator)

    def action_open_lead(self):
        """The opportunity behind the row."""
        self.ensure_one()
        access.require(self.env, "user", self.env._("Source documents open for the users of Sales Performance."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
