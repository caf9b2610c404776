import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..engine import monitoring
from ..tools import access
from . import spm_job_mixin

_logger = logging.getLogger(__name__)


class SpmMonitorRule(models.Model):
    """A process-monitoring rule an administrator writes: what is abnormal (a deal stuck in its stage,
    overdue activities, too few visits, a KPI drop, a customer who stopped ordering) and who follows
    it up. The daily scheduled action runs every active rule: one grouped query for all salespeople,
    the engine's check per person, one hit and one activity per new finding."""

    _name = "spm.monitor.rule"
    _inherit = ["mail.thread", "spm.job.mixin"]
    _description = "Monitoring Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    kind = fields.Selection(
        [
            ("stage_aging", "Stalled opportunity"),
            ("overdue_activity", "Overdue activities"),
            ("visits_below_norm", "Visits below norm"),
            ("kpi_drop", "KPI drop"),
            ("churn_risk", "Churn risk"),
        ],
        required=True,
        default="stage_aging",
    )
    responsible = fields.Selection(
        [("person", "The salesperson"), ("manager", "The salesperson's manager")],
        required=True,
        default="person",
        help="Who gets the activity of a hit. The manager is the leader of the salesperson's sales team, "
        "else the manager of their employee; without one, the salesperson.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref("spm_addon.mail_activity_type_spm_monitor", raise_if_not_found=False),
        help="The type of the activities of the hits.",
    )
    # stage aging
    stage_days = fields.Integer(
        string="Days in Stage", default=30, help="An open opportunity longer than this in its stage is stalled."
    )
    stage_limit_ids = fields.One2many(
        "spm.monitor.stage.limit", "rule_id", string="Limits by Stage", help="Other limits for some stages."
    )
    # overdue activities
    overdue_days = fields.Integer(default=0, help="Days past the deadline before an activity counts as overdue.")
    min_count = fields.Integer(string="Minimum Overdue", default=1, help="Overdue activities that make a hit.")
    # visits below norm
    norm_weeks = fields.Integer(default=8, help="Past weeks whose median is the salesperson's norm.")
    norm_share = fields.Float(
        string="Share of Norm (%)", default=80.0, help="A week below this share of the norm is a hit."
    )
    # KPI drop
    measure_id = fields.Many2one(
        "spm.measure",
        check_company=True,
        help="What is watched, by month. Visits below norm also read it (default: customer visits).",
    )
    history_months = fields.Integer(default=12, help="Past months the last complete month is compared with.")
    drop_method = fields.Selection(
        [("robust_z", "Robust z-score (median and MAD)"), ("ewma", "EWMA control limit")],
        default="robust_z",
        required=True,
    )
    z_threshold = fields.Float(
        string="Threshold (sigma)",
        default=3.0,
        help="A hit when the month is this many standard deviations below the person's own history.",
    )
    min_drop = fields.Float(string="Minimum Drop (%)", default=20.0, help="Smaller drops are never hits.")
    # churn risk
    grace_days = fields.Integer(
        default=14, help="Days beyond the customer's usual interval between orders before a hit."
    )
    min_orders = fields.Integer(default=3, help="Customers with fewer order days have no usual interval yet.")
    lookback_months = fields.Integer(default=24, help="Orders of these last months are read.")
    hit_ids = fields.One2many("spm.monitor.hit", "rule_id", string="Hits")
    hit_count = fields.Integer(compute="_compute_hit_count")
    last_run_date = fields.Date(readonly=True, copy=False)

    _sql_constraints = [
        ("stage_days_positive", "CHECK(stage_days >= 0)", "The days in stage cannot be negative."),
        ("overdue_days_positive", "CHECK(overdue_days >= 0)", "The days past the deadline cannot be negative."),
        ("grace_days_positive", "CHECK(grace_days >= 0)", "The grace days cannot be negative."),
    ]

    def _compute_hit_count(self):
        counts = dict(self.env["spm.monitor.hit"]._read_group([("rule_id", "in", self.ids)], ["rule_id"], ["__count"]))
        for rule in self:
            rule.hit_count = counts.get(rule, 0)

    @api.constrains("kind", "measure_id", "min_count", "norm_weeks", "history_months", "min_orders", "z_threshold")
    def _check_parameters(self):
        for rule in self:
            if rule.kind == "kpi_drop" and not rule.measure_id:
                raise ValidationError(
                    self.env._("Rule %(rule)s: choose the measure whose drop is watched.", rule=rule.name)
                )
            if rule.min_count < 1 or rule.min_orders < 2:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the minimum overdue activities must be at least 1 and the minimum orders "
                        "at least 2 (got %(count)s and %(orders)s).",
                        rule=rule.name,
                        count=rule.min_count,
                        orders=rule.min_orders,
                    )
                )
            if rule.norm_weeks < 4 or rule.history_months < 6 or rule.z_threshold <= 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: a norm needs at least 4 weeks and a KPI history at least 6 months, and the "
                        "threshold must be above 0 (got %(weeks)s weeks, %(months)s months, %(threshold)s).",
                        rule=rule.name,
                        weeks=rule.norm_weeks,
                        months=rule.history_months,
                        threshold=rule.z_threshold,
                    )
                )

    # Actions

    def action_run(self):
        """Run the rules now (administrators); hits already raised are not raised again. Over more
        salespeople than a web request serves in time, each rule runs as a background job."""
        access.require(self.env, "admin", self.env._("Only Sales Performance administrators run monitoring rules."))
        people = self.env["crm.team"].sudo().search([("company_id", "in", [*self.company_id.ids, False])]).member_ids
        if len(people) > spm_job_mixin.BACKGROUND_ABOVE:
            jobs = [rule._queue_job(self.env._("Run of %(rule)s", rule=rule.name), "_job_run", 1) for rule in self]
            return self._job_notification(jobs[0])
        self.sudo()._run()
        return self.action_open_hits()

    def _job_run(self, _job):
        """The background step of Run Now: the rule's whole round (one step: its hits and activities
        are created in one transaction, as the daily run does)."""
        self._run()
        return 1, 1

    def action_open_hits(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_addon.spm_monitor_hit_action")
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {"search_default_filter_open": 1}
        return action

    # Business methods

    @api.model
    def _cron_run(self):
        """The daily round: every active rule of every company; a failing rule does not stop the others."""
        for rule in self.search([]):
            try:
                with self.env.cr.savepoint():
                    rule._run()
            except Exception:
                _logger.exception("Monitoring rule %s (id %s) failed", rule.name, rule.id)
        return True

    def _run(self, today=None):
        """Raise the new hits of the rules as of ``today`` (default: today); returns them."""
        today = today or fields.Date.context_today(self)
        hits = self.env["spm.monitor.hit"]
        for rule in self:
            findings = getattr(rule, f"_find_{rule.kind}")(today)
            hits |= self.env["spm.monitor.hit"]._raise(rule, findings, today)
            rule.last_run_date = today
        return hits

    def _company_users(self, user_ids):
        """The ids among ``user_ids`` of the active internal users of the rule's company."""
        return set(
            self.env["res.users"]._search(
                [("id", "in", list(user_ids)), ("share", "=", False), ("company_ids", "in", self.company_id.ids)]
            )
        )

    def _user_names(self, user_ids):
        """{user id: name} of ``user_ids``, read at once."""
        return {user.id: user.name for user in self.env["res.users"].sudo().browse(list(user_ids))}

    def _find_stage_aging(self, today):
        """Open opportunities of the company longer in their stage than the stage's limit: one query."""
        limits = {limit.stage_id.id: limit.days for limit in self.stage_limit_ids}
        cutoff = {stage: datetime.combine(today - timedelta(days=days), time.min) for stage, days in limits.items()}
        default_cutoff = datetime.combine(today - timedelta(days=self.stage_days), time.min)
        per_stage = [
            ["&", ("stage_id", "=", stage), ("date_last_stage_update", "<", date)] for stage, date in cutoff.items()
        ]
        others = ["&", ("stage_id", "not in", list(limits)), ("date_last_stage_update", "<", default_cutoff)]
        stage_domain = ["|"] * len(per_stage) + [term for domain in per_stage for term in domain] + others
        leads = self.env["crm.lead"].search_fetch(
            [
                ("type", "=", "opportunity"),
                ("company_id", "=", self.company_id.id),
                ("user_id", "!=", False),
                ("stage_id.is_won", "=", False),
                *stage_domain,
            ],
            ["name", "user_id", "stage_id", "date_last_stage_update"],
        )
        findings = []
        for lead in leads:
            limit = limits.get(lead.stage_id.id, self.stage_days)
            hit = monitoring.stage_age(lead.date_last_stage_update.date(), today, limit)
            if not hit:
                continue
            findings.append(
                {
                    "person_id": lead.user_id.id,
                    "res_model": "crm.lead",
                    "res_id": lead.id,
                    "record_name": lead.name,
                    "period_key": f"{lead.stage_id.id}:{lead.date_last_stage_update:%Y-%m-%d %H:%M:%S}",
                    "value": hit["days"],
                    "limit_value": hit["limit"],
                    "figure_values": {
                        "days": hit["days"],
                        "stage_id": lead.stage_id.id,
                        "since": str(lead.date_last_stage_update.date()),
                        "limit": hit["limit"],
                        "over": hit["over"],
                    },
                }
            )
        return findings

    def _find_overdue_activity(self, today):
        """Salespeople with at least the minimum of overdue activities: one grouped query."""
        cutoff = today - timedelta(days=self.overdue_days)
        groups = (
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [("date_deadline", "<", cutoff), ("user_id", "!=", False)],
                ["user_id"],
                ["__count", "date_deadline:min"],
                having=[("__count", ">=", self.min_count)],
            )
        )
        members = self._company_users(user.id for user, _count, _oldest in groups)
        week = today.isocalendar()
        findings = []
        for user, count, oldest in groups:
            if user.id not in members:
                continue
            findings.append(
                {
                    "person_id": user.id,
                    "res_model": "res.users",
                    "res_id": user.id,
                    "record_name": user.name,
                    "period_key": f"{week[0]}-W{week[1]:02d}",
                    "value": count,
                    "limit_value": self.min_count,
                    "figure_values": {"count": count, "days": self.overdue_days, "oldest": str(oldest)},
                }
            )
        return findings

    def _find_visits_below_norm(self, today):
        """Salespeople whose visits of last week fell below their norm: one query grouped by person and day."""
        measure = self.measure_id or self.env.ref("spm_addon.spm_measure_visits")
        week_start = today - timedelta(days=today.weekday() + 7)  # Monday of last week
        first = week_start - timedelta(weeks=self.norm_weeks)
        values = measure._read_values(
            first, week_start + timedelta(days=6), groupby=("user", "day"), company_ids=self.company_id.ids
        )
        weeks = defaultdict(lambda: [0.0] * (self.norm_weeks + 1))  # the past weeks, then last week
        for (user_id, day), value in values.items():
            if user_id:
                weeks[user_id][(day - first).days // 7] += value
        members = self._company_users(weeks)
        names = self._user_names(members)
        iso = week_start.isocalendar()
        findings = []
        for user_id, counts in weeks.items():
            hit = user_id in members and monitoring.below_norm(counts[-1], counts[:-1], share=self.norm_share)
            if not hit:
                continue
            findings.append(
                {
                    "person_id": user_id,
                    "res_model": "res.users",
                    "res_id": user_id,
                    "record_name": names[user_id],
                    "period_key": f"{iso[0]}-W{iso[1]:02d}",
                    "value": hit["value"],
                    "limit_value": hit["floor"],
                    "figure_values": {
                        "value": hit["value"],
                        "measure_id": measure.id,
                        "week": str(week_start),
                        "norm": hit["norm"],
                        "weeks": self.norm_weeks,
                        "floor": hit["floor"],
                    },
                }
            )
        return findings

    def _find_kpi_drop(self, today):
        """Salespeople whose measure fell last month against their own months before: one query grouped by
        person and month."""
        month = today.replace(day=1) - relativedelta(months=1)
        first = month - relativedelta(months=self.history_months)
        values = self.measure_id._read_values(
            first, today.replace(day=1) - timedelta(days=1), groupby=("user", "month"), company_ids=self.company_id.ids
        )
        series = defaultdict(lambda: [0.0] * (self.history_months + 1))
        for (user_id, start), value in values.items():
            if user_id:
                series[user_id][(start.year - first.year) * 12 + start.month - first.month] += value
        members = self._company_users(series)
        names = self._user_names(members)
        period_key = f"{month:%Y-%m}"
        findings = []
        for user_id, months in series.items():
            if user_id not in members:
                continue
            history, value = months[:-1], months[-1]
            if self.drop_method == "ewma":
                hit = monitoring.ewma_drop(history, [value], width=self.z_threshold)
                limit = hit and hit["lower"]
            else:
                hit = monitoring.kpi_drop(value, history, threshold=self.z_threshold, min_drop=self.min_drop)
                limit = hit and hit["median"]
            if not hit:
                continue
            centre = hit.get("median", hit.get("centre"))
            if centre and (centre - value) / centre * 100.0 < self.min_drop:
                continue
            findings.append(
                {
                    "person_id": user_id,
                    "res_model": "res.users",
                    "res_id": user_id,
                    "record_name": names[user_id],
                    "period_key": period_key,
                    "value": value,
                    "limit_value": limit,
                    "figure_values": {
                        "measure_id": self.measure_id.id,
                        "month": period_key,
                        "value": value,
                        "centre": centre,
                        "months": self.history_months,
                        "drop": (centre - value) / centre * 100.0 if centre else 0.0,
                    },
                }
            )
        return findings

    def _find_churn_risk(self, today):
        """Customers who ordered more seldom than usual: one query grouped by customer."""
        self.env["sale.order"].flush_model(["partner_id", "user_id", "state", "date_order", "company_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id", "user_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT customer.id, customer.name,
                       array_agg(DISTINCT so.date_order::date),
                       COALESCE(customer.user_id, (array_agg(so.user_id ORDER BY so.date_order DESC))[1])
                  FROM sale_order so
                  JOIN res_partner buyer ON buyer.id = so.partner_id
                  JOIN res_partner customer ON customer.id = COALESCE(buyer.commercial_partner_id, buyer.id)
                 WHERE so.state = 'sale' AND so.company_id = %(company)s AND so.date_order >= %(since)s
              GROUP BY customer.id, customer.name, customer.user_id
                HAVING COUNT(DISTINCT so.date_order::date) >= %(min_orders)s
                """,
                company=self.company_id.id,
                since=today - relativedelta(months=self.lookback_months),
                min_orders=self.min_orders,
            )
        )
        members = self._company_users(row[3] for row in rows if row[3])
        findings = []
        for (
            partner_id,
            name,
            days,
            user_id,
        ) in rows:
            hit = user_id in members and monitoring.churn_risk(days, today, self.grace_days, self.min_orders)
            if not hit:
                continue
            findings.append(
                {
                    "person_id": user_id,
                    "res_model": "res.partner",
                    "res_id": partner_id,
                    "record_name": name,
                    "period_key": f"{hit['last_order']:%Y-%m-%d}",
                    "value": hit["days_since"],
                    "limit_value": hit["interval"] + self.grace_days,
                    "figure_values": {
                        "days": hit["days_since"],
                        "last": str(hit["last_order"]),
                        "interval": hit["interval"],
                        "due": hit["interval"] + self.grace_days,
                    },
                }
            )
        return findings
