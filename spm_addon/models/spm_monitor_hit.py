from datetime import date, timedelta

from babel.dates import format_skeleton

from odoo import api, fields, models
from odoo.tools import format_date, formatLang, get_lang
from odoo.tools.misc import babel_locale_parse

from ..tools import access


class SpmMonitorHit(models.Model):
    """One finding of a monitoring rule: a record (deal, customer or salesperson) and its figures.

    A hit is unique per rule, record and period (the stay in a stage, the week, the month, the last
    order), so the daily run never raises the same finding, nor its activity, twice."""

    _name = "spm.monitor.hit"
    _description = "Monitoring Hit"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _rec_name = "record_name"
    _mail_post_access = "read"  # whoever sees an alert may comment on it

    rule_id = fields.Many2one("spm.monitor.rule", required=True, ondelete="cascade", index=True, readonly=True)
    kind = fields.Selection(related="rule_id.kind", store=True)
    company_id = fields.Many2one(related="rule_id.company_id", store=True, index=True)
    person_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True, readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, readonly=True)
    manager_id = fields.Many2one("res.users", string="Manager", index=True, readonly=True)
    res_model = fields.Char(string="Record Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", required=True, readonly=True)
    record_name = fields.Char(string="Record", readonly=True)
    period_key = fields.Char(
        required=True,
        readonly=True,
        help="Technical key of the stay in a stage, week, month or last order found: a record is found once per key.",
    )
    period = fields.Char(
        compute="_compute_figures",
        help="The stay in a stage, week, month or last order found, in the reader's language.",
    )
    date = fields.Date(required=True, readonly=True, index=True)
    value = fields.Float(readonly=True, help="The figure found: days, count, visits, amount.")
    limit_value = fields.Float(string="Limit", readonly=True, help="The figure's limit or norm.")
    figure_values = fields.Json(readonly=True, help="The figures found, as numbers, dates and ids.")
    figures = fields.Text(compute="_compute_figures", help="The figures found, in the reader's language.")
    activity_id = fields.Many2one("mail.activity", string="Activity", ondelete="set null", readonly=True)
    state = fields.Selection([("open", "Open"), ("closed", "Closed")], default="open", required=True, readonly=True)

    _sql_constraints = [
        (
            "rule_record_period_unique",
            "UNIQUE(rule_id, res_model, res_id, period_key)",
            "A rule finds a record once per period.",
        ),
    ]

    @api.depends("kind", "figure_values", "date")
    @api.depends_context("lang")
    def _compute_figures(self):
        # the stages and measures named, read at once (and gone ones left out)
        values = [hit.figure_values or {} for hit in self]
        names = {
            (model, record.id): record.name
            for model, key in (("crm.stage", "stage_id"), ("spm.measure", "measure_id"))
            for record in self.env[model].sudo().browse({v[key] for v in values if v.get(key)}).exists()
        }
        for hit in self:
            hit.figures = hit._render_figures(names) if hit.figure_values else False
            hit.period = hit._render_period(names) if hit.figure_values else False

    # Actions

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }

    def action_close(self):
        """Close hits the user may read (their own, their team's)."""
        access.require(self.env, "user", self.env._("Only Sales Performance users close monitoring hits."))
        self.check_access("read")
        self.sudo().write({"state": "closed"})
        return True

    # Business methods

    @api.model
    def _raise(self, rule, findings, today):
        """Create the hits of ``findings`` not raised yet (same rule, record and period) and one activity
        each, for the salesperson or their manager, with the figures in its note. The rule's open hits
        it no longer finds (the deal moved on, the customer ordered, the week is over) are closed; their
        activities stay with their owners."""
        found = {(f["res_model"], f["res_id"], f["period_key"]) for f in findings}
        still_open = self.search_fetch(
            [("rule_id", "=", rule.id), ("state", "=", "open")], ["res_model", "res_id", "period_key"]
        )
        still_open.filtered(lambda hit: (hit.res_model, hit.res_id, hit.period_key) not in found).state = "closed"
        if not findings:
            return self.browse()
        known = {
            (hit.res_model, hit.res_id, hit.period_key)
            for hit in self.with_context(active_test=False).search_fetch(
                [("rule_id", "=", rule.id), ("res_id", "in", list({f["res_id"] for f in findings}))],
                ["res_model", "res_id", "period_key"],
            )
        }
        new = []
        for finding in findings:
            key = (finding["res_model"], finding["res_id"], finding["period_key"])
            if key not in known:
                known.add(key)
                new.append(finding)
        if not new:
            return self.browse()
        persons = self.env["res.users"].sudo().browse({f["person_id"] for f in new})
        teams, managers = self._teams_and_managers(persons)
        hits = self.create(
            [
                {
                    **finding,
                    "rule_id": rule.id,
                    "date": today,
                    "team_id": teams.get(finding["person_id"], False),
                    "manager_id": managers.get(finding["person_id"], False),
                }
                for finding in new
            ]
        )
        hits._schedule_activities(rule, today)
        return hits

    @api.model
    def _teams_and_managers(self, persons):
        """({user id: sales team id}, {user id: manager user id}) of ``persons``: the leader of the user's
        sales team, else the user of their employee's manager."""
        teams, managers = {}, {}
        for person in persons:
            team = person.sale_team_id
            teams[person.id] = team.id
            leader = team.user_id
            if not leader or leader == person:
                leader = person.employee_ids[:1].parent_id.user_id
            managers[person.id] = leader.id if leader and leader != person else False
        return teams, managers

    def _schedule_activities(self, rule, today):
        """One activity per hit, on the record found when it takes activities (a deal, a customer), else
        on the hit."""
        activity_type = rule.activity_type_id or self.env.ref("spm_addon.mail_activity_type_spm_monitor")
        lang_of = {user: user.lang for user in (self.person_id | self.manager_id)}
        deadline = today + timedelta(days=activity_type.delay_count or 0)
        model_ids = {}
        records = {}
        vals_list = []
        for hit in self:
            on_record = isinstance(self.env[hit.res_model], self.pool["mail.activity.mixin"])
            model = hit.res_model if on_record else self._name
            if model not in model_ids:
                model_ids[model] = self.env["ir.model"]._get_id(model)
            res_id = hit.res_id if on_record else hit.id
            records.setdefault(model, []).append(res_id)
            user = hit.manager_id if rule.responsible == "manager" and hit.manager_id else hit.person_id
            # in the language of whoever follows up
            local = hit.with_context(lang=lang_of[user] or self.env.lang)
            vals_list.append(
                {
                    "res_model_id": model_ids[model],
                    "res_id": res_id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": deadline,
                    "summary": local.env._("%(rule)s: %(record)s", rule=local.rule_id.name, record=hit.record_name),
                    "note": local.figures,
                }
            )
        # the activities name their records one by one: read the names of all at once first
        for model, res_ids in records.items():
            self.env[model].sudo().browse(res_ids).mapped("display_name")
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        for hit, activity in zip(self, activities, strict=True):
            hit.activity_id = activity

    def _render_period(self, names):
        """The period found (the key a record is found once per) in words, its dates as the reader
        writes them."""
        self.ensure_one()
        values = self.figure_values
        if self.kind == "stage_aging":
            return self.env._(
                "In stage %(stage)s since %(since)s",
                stage=names.get(("crm.stage", values["stage_id"]), "?"),
                since=format_date(self.env, values["since"]),
            )
        if self.kind == "overdue_activity":  # found once a week: the week of the run that found it
            monday = self.date - timedelta(days=self.date.weekday())
            return self.env._("Week of %(monday)s", monday=format_date(self.env, monday))
        if self.kind == "visits_below_norm":
            return self.env._("Week of %(monday)s", monday=format_date(self.env, values["week"]))
        if self.kind == "kpi_drop":
            return self._format_month(values["month"])
        return self.env._("Last order on %(day)s", day=format_date(self.env, values["last"]))

    def _format_month(self, month):
        """'2026-08' as the reader names the month: August 2026, 2026年8月."""
        first = date.fromisoformat(f"{month}-01")
        return format_skeleton("yMMMM", first, locale=babel_locale_parse(get_lang(self.env).code))

    def _render_figures(self, names):
        """The hit's figures as a sentence in the current language; ``names``: {(model, id): name} of the
        stages and measures they name."""
        self.ensure_one()
        values = self.figure_values
        if self.kind == "stage_aging":
            return self.env._(
                "%(days)s days in stage %(stage)s since %(since)s, limit %(limit)s days (%(over)s days over).",
                days=values["days"],
                stage=names.get(("crm.stage", values["stage_id"]), "?"),
                since=format_date(self.env, values["since"]),
                limit=values["limit"],
                over=values["over"],
            )
        if self.kind == "overdue_activity":
            return self.env._(
                "%(count)s activities overdue by more than %(days)s days, the oldest due %(oldest)s.",
                count=values["count"],
                days=values["days"],
                oldest=format_date(self.env, values["oldest"]),
            )
        measure = names.get(("spm.measure", values.get("measure_id")), "?")
        if self.kind == "visits_below_norm":
            return self.env._(
                "%(value)s %(measure)s in the week of %(week)s, norm %(norm)s (median of %(weeks)s weeks); "
                "alert below %(floor)s.",
                value=_short(values["value"]),
                measure=measure,
                week=format_date(self.env, values["week"]),
                norm=_short(values["norm"]),
                weeks=values["weeks"],
                floor=_short(values["floor"]),
            )
        if self.kind == "kpi_drop":
            return self.env._(
                "%(measure)s of %(month)s: %(value)s against a usual %(centre)s over the %(months)s months "
                "before (%(drop).0f%% lower).",
                measure=measure,
                month=self._format_month(values["month"]),
                value=formatLang(self.env, values["value"]),
                centre=formatLang(self.env, values["centre"]),
                months=values["months"],
                drop=values["drop"],
            )
        return self.env._(
            "No order for %(days)s days since %(last)s; usually every %(interval)s days (alert after %(due)s days).",
            days=values["days"],
            last=format_date(self.env, values["last"]),
            interval=_short(values["interval"]),
            due=_short(values["due"]),
        )


def _short(number):
    """A count or a number of days as people write it: 3.2, 4, 30."""
    return f"{number:g}"
