import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..engine import attainment, pacing, periods, series
from ..tools import bulk
from .spm_job_mixin import BACKGROUND_ABOVE
from .spm_quota_line import FIGURE_COLUMNS

_logger = logging.getLogger(__name__)


class SpmQuotaPlan(models.Model):
    """Figures: actual, attainment, expected to date, pace, projection and gap of every target, from
    one grouped query of the plan's measure; pace alerts. A refresh writes only the lines whose
    figures moved, through the addon's bulk writer; a large plan is refreshed by a background job,
    a batch of lines per step when the writes go through the ORM."""

    _inherit = "spm.quota.plan"

    def _run_refresh(self):
        """Refresh now, or queue a background job for a plan of more than BACKGROUND_ABOVE lines."""
        self.ensure_one()
        if self.state == "closed":
            return True
        total = self._line_total()
        if total > BACKGROUND_ABOVE:
            job = self._queue_job(self.env._("Refresh of %(plan)s", plan=self.name), "_job_refresh", total)
            return self._job_notification(job)
        self._refresh_figures()
        return True

    def _run_close(self):
        """Refresh the figures a last time, then close: at once, or as a background job at scale."""
        self.ensure_one()
        total = self._line_total()
        if total > BACKGROUND_ABOVE:
            job = self._queue_job(self.env._("Closing of %(plan)s", plan=self.name), "_job_close", total)
            return self._job_notification(job)
        self._refresh_figures()
        self.state = "closed"
        return True

    def _job_refresh(self, _job):
        if self.state == "closed":
            return 1, 1
        return self._refresh_step()

    def _job_close(self, _job):
        done, total = self._refresh_step()
        if done >= total:
            self.state = "closed"
        return done, total

    def _line_total(self):
        self.ensure_one()
        return self.env["spm.quota.line"].sudo().search_count([("plan_id", "=", self.id)])

    def _refresh_figures(self, today=None):
        """Recompute the figures of every line of the plans (not closed ones) in this transaction, a step
        after the other (small plans, scripts, tests)."""
        for plan in self.filtered(lambda rec: rec.state != "closed"):
            plan._run_steps(plan._refresh_step, today)

    def _run_steps(self, step, *args):
        """Call ``step`` until it reports everything done, in this transaction."""
        self.ensure_one()
        done, total = 0, 1
        while done < total:
            done, total = self._checked_progress(done, *step(*args))

    def _checked_progress(self, before, done, total):
        """(done, total) of a step, refused when the step made no progress since ``before`` (a count, or
        the job whose previous step it was): something configured rewrites what the step wrote, and
        the next step would write the same lines again, for ever."""
        before = before if isinstance(before, int) else before.done
        if before and done <= before < total:
            raise UserError(
                self.env._(
                    "The targets of %(plan)s keep changing after the server writes them (%(count)s left): an "
                    "automation rule or a field of your own may rewrite them. Check them in Settings > Technical, "
                    "then try again.",
                    plan=self.name,
                    count=total - done,
                )
            )
        return done, total

    def _refresh_step(self, today=None):
        """One step of a refresh: compute the figures of every line on ``today`` (one grouped query),
        then write those that moved - all of them in one UPDATE when nothing is configured on targets,
        else as many as ``write_in_steps`` lets a step write through the ORM (automation rules, computed
        fields and the like of an administrator then hold as for a change made in a form). Returns
        (done, total) in lines; the refresh date is set once every line is up to date. Idempotent: the
        next step writes only what is still out of date."""
        self.ensure_one()
        Line = self.env["spm.quota.line"]
        orm = bool(bulk.orm_reasons(Line, list(FIGURE_COLUMNS)))
        changed = self._compute_figures(today or fields.Date.context_today(self), tolerant=orm)
        written = bulk.write_in_steps(
            changed, lambda rows: bulk.update(Line, FIGURE_COLUMNS, rows, formatted=True), orm
        )
        if orm:
            self._check_written(changed[:written])
        remaining = len(changed) - written
        total = self._line_total()
        if not remaining:
            self.env["spm.attainment.fact"].sudo()._rebuild(self.sudo())
            self.sudo().refresh_date = fields.Datetime.now()
        return total - remaining, total

    def _figure_units(self):
        """The rounding of each figure column, as the ORM applies it."""
        line_fields = self.env["spm.quota.line"]._fields
        return [10.0 ** -line_fields[fname].get_digits(self.env)[1] for fname in FIGURE_COLUMNS]

    def _check_written(self, rows):
        """Refuse when something configured rewrote figures a step has just written through the ORM
        (``rows`` as ``_compute_figures`` gives them): only the server computes them, and the next
        refresh would write them again, for ever."""
        if not rows:
            return
        self.env["spm.quota.line"].flush_model()
        columns = SQL(", ").join(SQL("%s::float8", SQL.identifier(fname)) for fname in FIGURE_COLUMNS)
        stored = {
            line_id: values
            for line_id, *values in self.env.execute_query(
                SQL("SELECT id, %s FROM spm_quota_line WHERE id = ANY(%s)", columns, [row[0] for row in rows])
            )
        }
        units = self._figure_units()
        for line_id, *values in rows:
            if any(bulk.moved(*triple) for triple in zip(values, stored[line_id], units, strict=True)):
                raise UserError(
                    self.env._(
                        "The figures of %(line)s (%(plan)s) changed right after the server wrote them: an automation "
                        "rule or a field of your own rewrites actual, attainment, expected, pace, projection or gap, "
                        "which only the server computes. Change it in Settings > Technical, then refresh again.",
                        line=self.env["spm.quota.line"].sudo().browse(line_id).display_name,
                        plan=self.name,
                    )
                )

    def _compute_figures(self, today, tolerant=False):
        """The figures of the plan's lines on ``today``: ``[(id, actual, attainment, expected, pace,
        projected, gap)]`` of the lines whose stored figures differ (``tolerant``: moved by more than
        the rounding of their field, which the ORM applies when it writes them).

        The actuals come from one query: the measure grouped by salesperson, team, category and
        month (or day), summed over each line's scope and dates. The lines are then walked deepest
        first, so that every parent meets its split complete: the seasonal expected-to-date of a
        parent is its split's expected-to-date scaled to its own target (leaves go by working days),
        and team actuals add up their salespeople when the measure has no team.
        """
        self.ensure_one()
        self.env["spm.quota.line"].flush_model()
        grain = self._buckets_groupby()[-1]
        figures = self.measure_id._values_sql(
            self.date_from,
            self.date_to,
            ("user", "team", "categ", grain),
            domain=self._scope_domain(),
            company_ids=self.company_id.ids,
        )
        with bulk.without_jit(self.env.cr):
            rows = self._read_figure_rows(figures)
        units = self._figure_units()
        sum_teams = not self.measure_id.team_field_id
        seasonal = self.expected_basis == "seasonal"
        split = defaultdict(lambda: [0.0, 0.0, 0.0])  # parent id -> actual, target, expected of its split
        changed = []
        for line_id, parent_id, level, start, end, target, measured, *stored in rows:
            kids = split.pop(line_id, None)
            actual = (kids[0] if kids else 0.0) if sum_teams and level == "team" else measured
            fraction = periods.elapsed_fraction(start, end, today)
            if seasonal and kids and kids[1]:
                expected = kids[2] * target / kids[1]
            else:
                expected = target * fraction
            if parent_id:
                totals = split[parent_id]
                totals[0] += actual
                totals[1] += target
                totals[2] += expected
            figures = pacing.pacing(target, actual, expected / target if target else fraction)
            values = (
                actual,
                attainment.attainment(actual, target),
                figures["expected"],
                figures["pace"],
                figures["projected"],
                figures["gap"],
            )
            if tolerant:
                if any(bulk.moved(*pair) for pair in zip(values, stored, units, strict=True)):
                    changed.append((line_id, *values))
            elif values != tuple(stored):  # stored as numeric from their exact text: equal when unchanged
                changed.append((line_id, *values))
        return changed

    def _team_members(self):
        """{team: [users]} of the plan's teams, in a stable order."""
        self.ensure_one()
        members = self.env["crm.team.member"].search_fetch(
            [("crm_team_id", "in", self.team_ids.ids)],
            ["crm_team_id", "user_id"],
            order="crm_team_id, user_id",
        )
        result = defaultdict(list)
        for member in members:
            result[member.crm_team_id.id].append(member.user_id.id)
        return result

    def _scope_domain(self):
        """Domain, on the measure's model, of the records the plan counts (history and actuals of every
        line): those of its teams and, among records without a team, those of its teams' members and
        leaders; without teams, the whole company (the company filter is the measure's own)."""
        self.ensure_one()
        if not self.team_ids:
            return []
        measure = self.measure_id.sudo()
        teams = self.team_ids.sudo()
        people = set(teams.user_id.ids)
        for users in self.sudo()._team_members().values():
            people.update(users)
        owned = measure._owner_domain(sorted(people))
        if not measure.team_field_id:
            return owned
        team_field = measure.team_field_id.name
        return expression.OR([[(team_field, "in", teams.ids)], expression.AND([[(team_field, "=", False)], owned])])

    def _buckets_groupby(self):
        self.ensure_one()
        measure = self.measure_id
        dims = ["user"]
        if measure.team_field_id:
            dims.append("team")
        if measure.categ_field_id:
            dims.append("categ")
        aligned = self.date_from.day == 1 and (self.date_to + timedelta(days=1)).day == 1
        dims.append("day" if self.time_split == "week" or not aligned else "month")
        return dims

    def _figure_index(self, date_from, date_to):
        """The measure's figures over [date_from, date_to] in the plan's scope (one grouped query), as a
        lookup ``(scope, categ id) -> DatedSums``: scope is ("user", id), ("team", id) or None for the
        whole plan; a category also takes in its subcategories. Each series is built on first use."""
        dims = self._buckets_groupby()
        values = self.measure_id._read_values(
            date_from, date_to, dims, domain=self._scope_domain(), company_ids=self.company_id.ids
        )
        at = {dim: i for i, dim in enumerate(dims)}
        i_user, i_team, i_categ = at["user"], at.get("team"), at.get("categ")
        i_day = at.get("month", at.get("day"))
        categ_paths = {}
        if i_categ is not None:
            categs = self.env["product.category"].browse({key[i_categ] for key in values if key[i_categ]})
            categ_paths = {categ.id: {int(part) for part in categ.parent_path.split("/") if part} for categ in categs}
        everything = []
        groups = defaultdict(list)
        for key, value in values.items():
            item = (key[i_day], value, categ_paths.get(key[i_categ], ()) if i_categ is not None else ())
            everything.append(item)
            groups["user", key[i_user]].append(item)
            if i_team is not None and key[i_team]:
                groups["team", key[i_team]].append(item)
        groups[None] = everything
        cache = {}

        def lookup(scope, categ_id=None):
            key = (scope, categ_id or None)
            if key not in cache:
                cache[key] = series.DatedSums(
                    (day, value) for day, value, categs in groups.get(scope, ()) if not categ_id or categ_id in categs
                )
            return cache[key]

        return lookup

    @staticmethod
    def _bucket_total(index, row, offset=timedelta(0)):
        """Sum of the figures in a line's scope (its salesperson, else its team, else all; within its
        category) over the line's dates shifted back by ``offset``."""
        if row["user_id"]:
            scope = ("user", row["user_id"])
        elif row["team_id"]:
            scope = ("team", row["team_id"])
        else:
            scope = None
        return index(scope, row["categ_id"]).total(row["date_from"] - offset, row["date_to"] - offset)

    def _read_figure_rows(self, figures):
        """The plan's lines, deepest first, with their actual: the measure's grouped ``figures`` summed
        over each line's scope (its salesperson, else its team, else everything; within its category
        and subcategories) and dates. Columns: id, parent id, level, start, end, target, actual, then
        the stored figures in the order of ``FIGURE_COLUMNS``."""
        return self.env.execute_query(
            SQL(
                """
            WITH fig (user_id, team_id, categ_id, day, amount) AS MATERIALIZED (%(figures)s),
            line AS MATERIALIZED (
                SELECT line.id, line.parent_id, line.level, line.depth, line.user_id, line.team_id, line.date_from,
                       line.date_to, categ.parent_path AS categ_path, line.target, line.actual_amount,
                       line.attainment, line.expected_amount, line.pace, line.projected_amount, line.gap_amount
                  FROM spm_quota_line line LEFT JOIN product_category categ ON categ.id = line.categ_id
                 WHERE line.plan_id = %(plan)s
            ),
            scoped AS (
                SELECT line.id, line.date_from, line.date_to, line.categ_path, fig.day, fig.categ_id, fig.amount
                  FROM line JOIN fig ON fig.user_id = line.user_id
                UNION ALL
                SELECT line.id, line.date_from, line.date_to, line.categ_path, fig.day, fig.categ_id, fig.amount
                  FROM line JOIN fig ON fig.team_id = line.team_id
                 WHERE line.user_id IS NULL
                UNION ALL
                SELECT line.id, line.date_from, line.date_to, line.categ_path, fig.day, fig.categ_id, fig.amount
                  FROM line CROSS JOIN fig
                 WHERE line.user_id IS NULL AND line.team_id IS NULL
            ),
            actual AS (
                SELECT id, SUM(amount) AS amount
                  FROM scoped
                 WHERE day BETWEEN date_from AND date_to
                   AND (categ_path IS NULL OR starts_with(
                        (SELECT categ.parent_path FROM product_category categ WHERE categ.id = scoped.categ_id),
                        categ_path))
              GROUP BY id
            )
            SELECT line.id, line.parent_id, line.level, line.date_from, line.date_to, COALESCE(line.target, 0)::float8,
                   COALESCE(actual.amount, 0)::float8, line.actual_amount::float8, line.attainment::float8,
                   line.expected_amount::float8, line.pace::float8, line.projected_amount::float8,
                   line.gap_amount::float8
              FROM line LEFT JOIN actual ON actual.id = line.id
          ORDER BY line.depth DESC, line.id
                """,
                figures=figures,
                plan=self.id,
            )
        )

    # Alerts

    @api.model
    def _cron_refresh_and_alert(self):
        """Refresh the running plans not refreshed since the last round of the scheduled action, then
        raise their pace alerts. A plan whose figures are written through the ORM is refreshed a batch
        per call: the call reports its progress and Odoo's cron commits and calls again at once, so no
        transaction holds long; the plan's alerts follow its last batch."""
        since = self.env.context.get("lastcall") or fields.Datetime.now()
        plans = self.search(
            [
                ("state", "in", ("active", "locked")),
                "|",
                ("refresh_date", "=", False),
                ("refresh_date", "<", since),
            ],
            order="id",
        )
        for position, plan in enumerate(plans):
            try:
                with self.env.cr.savepoint():
                    done, total = plan._refresh_step()
            except UserError as error:  # e.g. a rule rewrites its figures: the other plans are refreshed
                _logger.warning("Quota plan %s (id %s) not refreshed: %s", plan.name, plan.id, error)
                continue
            if done < total:
                self.env["ir.cron"]._notify_progress(done=max(done, 1), remaining=total - done + len(plans) - position)
                return True
            plan._create_pace_alerts()
        self.env["ir.cron"]._notify_progress(done=len(plans), remaining=0)
        return True

    def _create_pace_alerts(self, today=None):
        """One activity per lagging salesperson or team target for the responsible manager, never twice;
        a target lags once its plan's share of the period has elapsed (as on the overview)."""
        today = today or fields.Date.context_today(self)
        activity_type = self.env.ref("spm_addon.mail_activity_type_spm_pace")
        Line = self.env["spm.quota.line"]
        lagging = Line.browse()
        for plan in self.filtered(lambda rec: rec.state == "active"):
            lagging |= Line.search(
                [
                    ("plan_id", "=", plan.id),
                    ("level", "in", ("team", "user")),
                    ("expected_amount", ">", 0),
                    ("pace", "<", plan.pace_threshold),
                    ("date_from", "<=", today),
                ]
            )._filter_behind(today)
        if not lagging:
            return self.env["mail.activity"]
        done = self.env["mail.activity"].search(
            [
                ("res_model", "=", Line._name),
                ("res_id", "in", lagging.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        lagging -= Line.browse(done.mapped("res_id"))
        model_id = self.env["ir.model"]._get_id(Line._name)
        vals_list = []
        for line in lagging:
            manager = line._responsible_manager()
            fmt = line.currency_id.format if line.plan_id.measure_id.is_monetary else (lambda v: f"{v:,.0f}")
            env = self.with_context(lang=manager.lang).env  # in the language of whom it is for
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": line.id,
                    "activity_type_id": activity_type.id,
                    "user_id": manager.id,
                    "summary": env._("%(line)s is behind pace (%(pace).0f%%)", line=line.display_name, pace=line.pace),
                    "note": env._(
                        "Target %(target)s, actual %(actual)s, expected by now %(expected)s, pace %(pace).0f%% "
                        "(alert below %(threshold).0f%%), projected %(projected)s.",
                        target=fmt(line.target),
                        actual=fmt(line.actual_amount),
                        expected=fmt(line.expected_amount),
                        pace=line.pace,
                        threshold=line.plan_id.pace_threshold,
                        projected=fmt(line.projected_amount),
                    ),
                }
            )
        return self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
