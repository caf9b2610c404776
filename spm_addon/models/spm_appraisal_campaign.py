from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import curves
from ..tools import access, bulk
from .spm_job_mixin import BACKGROUND_ABOVE

START_BATCH = 1000  # appraisals created per batch of a background start

# the figures of a KPI line, and those of an appraisal that the totals write
LINE_FIGURES = {
    "actual": "numeric",
    "target": "numeric",
    "attainment": "numeric",
    "has_value": "boolean",
    "score": "numeric",
    "weighted_score": "numeric",
}
CATEGORY_COLUMNS = {
    "result": "result_score",
    "behaviour": "behaviour_score",
    "satisfaction": "satisfaction_score",
    "custom": "custom_score",
}
TOTAL_FIGURES = ["score", *CATEGORY_COLUMNS.values(), "grade_id", "final_grade_id", "is_provisional"]


def _differs(values, stored, units):
    """Whether computed ``values`` differ from the ``stored`` ones, floats (a unit each) beyond their
    rounding, the others (unit None: booleans, ids) exactly."""
    for value, old, unit in zip(values, stored, units, strict=True):
        if unit is None:
            if (value or False) != (old or False):
                return True
        elif bulk.moved(float(value or 0.0), float(old or 0.0), unit):
            return True
    return False


class SpmAppraisalCampaign(models.Model):
    """Appraisals of every salesperson of some teams (or of the company) for one period and template.

    Figures are computed for the whole campaign at once: one grouped query per KPI, then totals,
    grades and ranks written in bulk.
    """

    _name = "spm.appraisal.campaign"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.job.mixin", "spm.period.mixin"]
    _description = "Appraisal Campaign"
    _check_company_auto = True
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, translate=True, tracking=True)
    template_id = fields.Many2one("spm.appraisal.template", required=True, tracking=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    date_deadline = fields.Date(string="Reviews Due")
    team_ids = fields.Many2many(
        "crm.team", string="Sales Teams", check_company=True, help="Leave empty for every team of the company."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Closed")],
        required=True,
        default="draft",
        tracking=True,
    )
    appraisal_ids = fields.One2many("spm.appraisal", "campaign_id", string="Appraisals")
    appraisal_count = fields.Integer(compute="_compute_appraisal_count")
    compute_date = fields.Datetime(string="Figures Updated On", readonly=True)
    is_lines_computed = fields.Boolean(
        string="KPI Lines Computed",
        readonly=True,
        copy=False,
        help="Technical: the KPI lines of the running computation are up to date.",
    )

    @api.depends("appraisal_ids")
    def _compute_appraisal_count(self):
        counts = dict(
            self.env["spm.appraisal"]._read_group([("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"])
        )
        for campaign in self:
            campaign.appraisal_count = counts.get(campaign, 0)

    @api.constrains("template_id")
    def _check_template(self):
        for campaign in self:
            if not campaign.template_id.line_ids:
                raise ValidationError(
                    self.env._("Template %(template)s has no lines to appraise.", template=campaign.template_id.name)
                )

    # actions

    def action_start(self):
        """Create the appraisals of every salesperson in scope, compute them and open them: at once for
        a few thousand people, else in the background."""
        self.ensure_one()
        access.require(self.env, "admin", self.env._("Only an SPM administrator starts an appraisal campaign."))
        if self.state != "draft":
            raise UserError(self.env._("Only a draft campaign can be started."))
        self.state = "running"
        return self._run_start()

    def action_compute(self):
        """Bring the figures up to date; also finishes a start that stopped half-way (people still
        without an appraisal get theirs)."""
        access.require(self.env, "admin", self.env._("Only an SPM administrator recomputes an appraisal campaign."))
        for campaign in self:
            if campaign.state != "running":
                raise UserError(self.env._("Only a running campaign is computed."))
        if len(self) == 1:
            return self._run_start()
        for campaign in self:
            campaign._run_start()
        return True

    def _run_start(self):
        self.ensure_one()
        self.is_lines_computed = False  # the figures are computed again from the KPI lines up
        if len(self._missing_employees()) + len(self.appraisal_ids) > BACKGROUND_ABOVE:
            job = self._queue_job(self.env._("Start of %(campaign)s", campaign=self.name), "_job_start", 0)
            return self._job_notification(job)
        done, total = 0, 1
        while done < total:
            done, total = self._job_start(None)
        return True

    def _job_start(self, job):
        """One batch of the start: appraisals for up to START_BATCH people still without one, with
        their first activities; once everyone has one, the figures of the whole campaign: KPI lines
        (one grouped query per KPI), then totals and grades, then ranks, each writing only what changed
        - all at once on the fast path, as much as ``bulk.write_in_steps`` lets a step write when the
        writes go through the ORM (an administrator's automation rules, tracking). Returns (done,
        total) in appraisals and KPI lines: safe to run again after a crash, it only adds or writes
        what is still missing or different."""
        missing = self._missing_employees()
        count = self.env["spm.appraisal"].search_count([("campaign_id", "=", self.id)])
        people = len(missing) + count
        kpi_lines = people * len(self.template_id.line_ids.filtered(lambda line: line.kind == "kpi"))
        total = people + kpi_lines + people + 1
        if missing:
            appraisals = self._generate_appraisals(missing[:START_BATCH])
            if self.template_id.has_self_assessment:
                self._schedule_self_assessments(appraisals)
            else:
                appraisals._set_state("review")
                appraisals._schedule_review()
            return count + len(appraisals), total
        lines_left, totals_left = self._compute_figures()
        done = total - 1 - lines_left - totals_left if lines_left or totals_left else total
        if job and job.done and done <= job.done < total:
            raise UserError(
                self.env._(
                    "The figures of %(campaign)s keep changing after the server writes them (%(count)s left): an "
                    "automation rule or a field of your own may rewrite them. Check them in Settings > Technical, "
                    "then try again.",
                    campaign=self.name,
                    count=total - done,
                )
            )
        return done, total

    def action_close(self):
        """Close: every appraisal reviewed, the forced distribution respected; lock, publish, award."""
        self.ensure_one()
        access.require(self.env, "admin", self.env._("Only an SPM administrator closes an appraisal campaign."))
        if self.state != "running":
            raise UserError(self.env._("Only a running campaign can be closed."))
        pending = self.appraisal_ids.filtered(lambda a: a.state in ("self", "review"))
        if pending:
            raise UserError(
                self.env._(
                    "%(count)s appraisals are not reviewed yet (e.g. %(names)s).",
                    count=len(pending),
                    names=", ".join(pending[:5].mapped("employee_id.name")),
                )
            )
        self._check_distribution()
        if len(self.appraisal_ids) > BACKGROUND_ABOVE:
            job = self._queue_job(self.env._("Closing of %(campaign)s", campaign=self.name), "_job_close", 0)
            return self._job_notification(job)
        done, total = 0, 1
        while done < total:
            done, total = self._job_close(None)
        return True

    def _job_close(self, _job):
        """One batch of the close: up to START_BATCH calibrated appraisals locked, published and their
        employees told; once none is left, the campaign is done and honours are awarded. Safe to run
        again: published appraisals are not published twice."""
        domain = [("campaign_id", "=", self.id)]
        to_publish = self.env["spm.appraisal"].search([*domain, ("state", "=", "calibration")], order="id")
        published = self.env["spm.appraisal"].search_count([*domain, ("state", "=", "done")])
        total = published + len(to_publish) + 1
        if to_publish:
            to_publish[:START_BATCH]._publish()
            return published + len(to_publish[:START_BATCH]), total
        if self.state != "done":
            self.state = "done"
            self.env["spm.honour.rule"]._award(self)
        return total, total

    def action_view_appraisals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_addon.spm_appraisal_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    # business methods

    def _scope_users(self):
        """Salespeople in scope: members of the campaign's teams (every team of the company when empty)."""
        teams = self.team_ids or self.env["crm.team"].search([("company_id", "in", (False, self.company_id.id))])
        members = self.env["crm.team.member"].search([("crm_team_id", "in", teams.ids)])
        return {member.user_id.id: member.crm_team_id.id for member in members}

    def _missing_employees(self):
        """Active employees of the salespeople in scope without an appraisal in the campaign yet."""
        team_of = self._scope_users()
        return self.env["hr.employee"].search(
            [
                ("user_id", "in", list(team_of)),
                ("company_id", "=", self.company_id.id),
                ("id", "not in", self.appraisal_ids.employee_id.ids),
            ],
            order="id",
        )

    def _generate_appraisals(self, employees):
        """The appraisals of ``employees`` with their lines."""
        team_of = self._scope_users()
        template_lines = self.template_id.line_ids
        vals_list = []
        for employee in employees:
            vals_list.append(
                {
                    "campaign_id": self.id,
                    "template_id": self.template_id.id,  # so that Properties take their defaults
                    "employee_id": employee.id,
                    "user_id": employee.user_id.id,
                    "team_id": team_of[employee.user_id.id],
                    "manager_user_id": employee.parent_id.user_id.id
                    or self.env["crm.team"].browse(team_of[employee.user_id.id]).user_id.id,
                }
            )
        appraisals = (
            self.env["spm.appraisal"]
            .with_context(tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(vals_list)
        )
        line_columns = ["appraisal_id", "template_line_id", "sequence", "kind", "kpi_id", "criterion_id", "name",
                        "category", "weight", "campaign_id", "user_id", "company_id", "has_value"]  # fmt: skip
        self.env["spm.appraisal.line"].flush_model()
        rows = [
            (appraisal.id, line.id, line.sequence, line.kind, line.kpi_id.id or None, line.criterion_id.id or None,
             line.name, line.category, line.weight, self.id, appraisal.user_id.id, self.company_id.id, False)
            for appraisal in appraisals
            for line in template_lines
        ]  # fmt: skip
        ids = bulk.reserve_ids(self.env.cr, "spm_appraisal_line", len(rows))
        bulk.insert(
            self.env["spm.appraisal.line"],
            ["id", *line_columns],
            [(line_id, *row) for line_id, row in zip(ids, rows, strict=True)],
        )
        self.env["spm.appraisal"].invalidate_model(["line_ids"])
        return appraisals

    def _schedule_self_assessments(self, appraisals):
        activity_type = self.env.ref("spm_addon.mail_activity_type_spm_appraisal_self")
        model_id = self.env["ir.model"]._get_id("spm.appraisal")
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": appraisal.id,
                    "activity_type_id": activity_type.id,
                    "user_id": appraisal.user_id.id,
                    "date_deadline": self.date_deadline or self.date_to,
                    # in the language of whom it is for
                    "summary": self.with_context(lang=appraisal.user_id.lang).env._("Fill in your self-assessment"),
                }
                for appraisal in appraisals
            ]
        )

    def _compute_figures(self):
        """A step of the figures of every open appraisal of the campaign: KPI lines (one grouped query
        per KPI) and previous scores, then totals and grades, then ranks, each written where it
        changed. Returns (KPI lines, appraisals) still to write: (0, 0) once everything is up to date."""
        self.ensure_one()
        Line = self.env["spm.appraisal.line"]
        if not self.is_lines_computed:
            changed = self._kpi_line_updates()
            orm = bool(bulk.orm_reasons(Line, list(LINE_FIGURES)))
            written = bulk.write_in_steps(changed, lambda rows: bulk.update(Line, LINE_FIGURES, rows), orm)
            if written < len(changed):
                return len(changed) - written, len(self.appraisal_ids)
            self._update_previous_scores()
            self.is_lines_computed = True
        left = self._compute_totals(in_steps=True)
        if left:
            return 0, left
        self.is_lines_computed = False
        self.compute_date = fields.Datetime.now()
        return 0, 0

    def _kpi_line_updates(self):
        """(id, actual, target, attainment, has_value, score, weighted score) of the KPI lines of the
        open appraisals whose figures differ from the stored ones."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id, line.kpi_id, line.weight, appraisal.user_id, line.actual, line.target,
                       line.attainment, line.has_value, line.score, line.weighted_score
                  FROM spm_appraisal_line line
                  JOIN spm_appraisal appraisal ON appraisal.id = line.appraisal_id
                 WHERE appraisal.campaign_id = %s AND appraisal.state != 'done' AND line.kind = 'kpi'
                 ORDER BY line.id
                """,
                self.id,
            )
        )
        by_kpi = defaultdict(list)
        for line_id, kpi_id, weight, user_id, *stored in rows:
            by_kpi[kpi_id].append((line_id, weight, user_id, stored))
        units = self._units(self.env["spm.appraisal.line"], LINE_FIGURES)
        company_ids = self.company_id.ids
        updates = []
        for kpi in self.env["spm.kpi"].browse(list(by_kpi)):
            lines = by_kpi[kpi.id]
            user_ids = list({user_id for _line, _weight, user_id, _stored in lines})
            values = kpi._read_values(user_ids, self.date_from, self.date_to, company_ids)
            targets = kpi._read_targets(user_ids, self.date_from, self.date_to, company_ids)
            for line_id, weight, user_id, stored in lines:
                has_value = kpi.kind == "measure" or user_id in values  # only a ratio can lack a value
                actual = values.get(user_id, 0.0)
                target = targets.get(user_id, 0.0)
                attainment, score = kpi._score(actual, target) if has_value else (0.0, 0.0)
                row = (actual, target, attainment, has_value, score, score * weight / 100.0)
                if _differs(row, stored, units):
                    updates.append((line_id, *row))
        return updates

    def _update_previous_scores(self):
        """Each open appraisal's previous score: the employee's last closed appraisal of the template."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT a.id, (SELECT p.score FROM spm_appraisal p
                                JOIN spm_appraisal_campaign pc ON pc.id = p.campaign_id
                               WHERE p.employee_id = a.employee_id AND pc.template_id = c.template_id
                                 AND p.state = 'done' AND pc.date_to < c.date_from
                            ORDER BY pc.date_to DESC LIMIT 1), a.previous_score
                  FROM spm_appraisal a JOIN spm_appraisal_campaign c ON c.id = a.campaign_id
                 WHERE a.campaign_id = %s AND a.state != 'done'
                """,
                self.id,
            )
        )
        changed = [(a_id, previous) for a_id, previous, stored in rows if (previous or 0.0) != (stored or 0.0)]
        bulk.update(self.env["spm.appraisal"], {"previous_score": "numeric"}, changed)

    @staticmethod
    def _units(model, columns):
        """The rounding of each figure of ``columns`` as the ORM stores it (None: compared exactly)."""
        units = []
        for name in columns:
            field = model._fields[name]
            digits = field.get_digits(model.env) if field.type == "float" else None
            units.append(10.0 ** -digits[1] if digits else None)
        return units

    def _compute_totals(self, appraisals=None, in_steps=False):
        """Criterion scores from ratings, weighted totals per category, grades and ranks of the
        campaign's open appraisals (``appraisals``: only these change, ranks always for all). Writes
        only what changed; ``in_steps``: as much as a step of a background job may write through the
        ORM, then returns how many appraisals are still to write (ranks wait until none is).

        An appraisal with a criterion not rated yet is provisional: its score is the sum of its rated
        lines' weighted scores over their weights (the unrated criteria left out, not counted as 0),
        and it has no grade and no rank."""
        self.ensure_one()
        self.env.flush_all()
        scope = SQL("AND appraisal.id = ANY(%s)", appraisals.ids) if appraisals else SQL()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id, line.appraisal_id, line.kind, line.category, line.weight, line.score,
                       line.weighted_score, line.manager_rating
                  FROM spm_appraisal_line line
                  JOIN spm_appraisal appraisal ON appraisal.id = line.appraisal_id
                 WHERE appraisal.campaign_id = %s AND appraisal.state != 'done' %s
                 ORDER BY line.appraisal_id, line.id
                """,
                self.id,
                scope,
            )
        )
        Line, Appraisal = self.env["spm.appraisal.line"], self.env["spm.appraisal"]
        line_units = self._units(Line, ["score", "weighted_score"])
        line_updates = []
        totals = defaultdict(lambda: dict.fromkeys(CATEGORY_COLUMNS, 0.0))
        rated_weight = defaultdict(float)  # the weights of the lines that have a score
        provisional_ids = set()
        for line_id, appraisal_id, kind, category, weight, stored_score, stored_weighted, rating in rows:
            score = float(stored_score or 0.0)
            if kind == "criterion":
                score = int(rating) * 20.0 if rating else 0.0
                row = (score, score * float(weight) / 100.0)
                if _differs(row, (stored_score, stored_weighted), line_units):
                    line_updates.append((line_id, *row))
            if kind == "criterion" and not rating:  # left out of the score (it adds 0 to its category)
                provisional_ids.add(appraisal_id)
            else:
                rated_weight[appraisal_id] += float(weight)
            totals[appraisal_id][category] += score * float(weight) / 100.0
        bulk.update(Line, {"score": "numeric", "weighted_score": "numeric"}, line_updates)
        grades = [(grade.min_score, grade.id) for grade in self.template_id.grade_ids]
        stored = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(
                    "SELECT id, calibrated_grade_id, %s FROM spm_appraisal WHERE id = ANY(%s)",
                    SQL(", ").join(SQL.identifier(name) for name in TOTAL_FIGURES),
                    list(totals),
                )
            )
        }
        units = self._units(Appraisal, TOTAL_FIGURES)
        appraisal_updates = []
        for appraisal_id, parts in totals.items():
            provisional = appraisal_id in provisional_ids
            total = sum(parts.values())
            if provisional:  # over the weights rated so far: 40 of 60 % rated = 66.7
                weight = rated_weight[appraisal_id]
                total = total * 100.0 / weight if weight else 0.0
            grade_id = None if provisional else curves.grade(total, grades)
            calibrated, *figures = stored[appraisal_id]
            final_grade_id = None if provisional else calibrated or grade_id
            row = (total, *(parts[category] for category in CATEGORY_COLUMNS), grade_id, final_grade_id, provisional)
            if _differs(row, figures, units):
                appraisal_updates.append((appraisal_id, *row))
        # final_grade_id is computed from the grades: the UPDATE sets it as the compute would, the ORM
        # path leaves it to the compute
        columns = {
            name: "integer" if name.endswith("_id") else "boolean" if name.startswith("is_") else "numeric"
            for name in TOTAL_FIGURES
        }
        orm = in_steps and bool(bulk.orm_reasons(Appraisal, list(columns)))
        written = bulk.write_in_steps(appraisal_updates, lambda chunk: bulk.update(Appraisal, columns, chunk), orm)
        if written < len(appraisal_updates):
            return len(appraisal_updates) - written
        self._compute_ranks()
        return 0

    def _compute_ranks(self):
        """Competition ranks (1, 2, 2, 4) in the team and in the campaign: by score, then results, then
        behaviour, then satisfaction; appraisals still equal share their rank. A provisional appraisal (a
        criterion not rated yet) has no rank and takes none from the others."""
        rows = self.env.execute_query(
            SQL(
                "SELECT id, team_id, score, result_score, behaviour_score, satisfaction_score, is_provisional, "
                "rank_team, rank_company FROM spm_appraisal WHERE campaign_id = %s",
                self.id,
            )
        )
        items = [tuple(float(v or 0) if i > 1 else v for i, v in enumerate(row[:6])) for row in rows if not row[6]]

        def ranked(group):
            return curves.rank(group, key=lambda r: r[2], tiebreaks=(lambda r: r[3], lambda r: r[4], lambda r: r[5]))

        company_rank = {item[0]: position for item, position in ranked(items)}
        by_team = defaultdict(list)
        for item in items:
            by_team[item[1]].append(item)
        team_rank = {item[0]: position for group in by_team.values() for item, position in ranked(group)}
        bulk.update(
            self.env["spm.appraisal"],
            {"rank_team": "integer", "rank_company": "integer"},
            [
                (appraisal_id, team_rank.get(appraisal_id), company_rank.get(appraisal_id))
                for appraisal_id, *_values, stored_team, stored_company in rows
                if (team_rank.get(appraisal_id), company_rank.get(appraisal_id)) != (stored_team, stored_company)
            ],
        )

    def _check_distribution(self):
        """Refuse to close when a grade holds more appraisals than its maximum share."""
        grades = self.template_id.grade_ids
        limits = {grade.id: grade.max_share for grade in grades}
        if not any(limits.values()):
            return
        counts = {
            grade.id: count
            for grade, count in self.env["spm.appraisal"]._read_group(
                [("campaign_id", "=", self.id)], ["final_grade_id"], ["__count"]
            )
        }
        excess = curves.distribution_excess(counts, limits)
        if excess:
            raise UserError(
                self.env._(
                    "The forced distribution is not respected; calibrate these grades first: %(details)s",
                    details="; ".join(
                        self.env._(
                            "%(grade)s: %(count)s appraisals (%(share)s %%), at most %(maximum)s %%",
                            grade=grades.browse(grade_id).name,
                            count=count,
                            share=round(share, 1),
                            maximum=maximum,
                        )
                        for grade_id, count, share, maximum in excess
                    ),
                )
            )
