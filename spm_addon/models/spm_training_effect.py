from collections import defaultdict

from odoo import Command, api, fields, models

from ..engine import training_effect

VERDICTS = [
    (training_effect.TOO_FEW, "Too few people to conclude"),
    (training_effect.IMPROVED, "Improved"),
    (training_effect.WORSENED, "Worsened"),
    (training_effect.NO_EFFECT, "No measurable effect"),
]


class SpmTrainingEffect(models.Model):
    """The measured effect (培训效果评估) of a course on one KPI it targets: the KPI of the trained
    people over equal windows before and after completion against salespeople of the nearest
    baseline who did not take it in the same windows (difference-in-differences). Written by the
    server only (see ``engine.training_effect``)."""

    _name = "spm.training.effect"
    _description = "Training Effect"
    _order = "course_id, kpi_id"

    course_id = fields.Many2one("spm.training.course", required=True, ondelete="cascade", index=True)
    kpi_id = fields.Many2one("spm.kpi", string="KPI", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="course_id.company_id", store=True)
    date_computed = fields.Datetime(string="Measured On", readonly=True)
    days = fields.Integer(string="Window (days)", readonly=True)
    trained_count = fields.Integer(string="Trained People", readonly=True)
    control_count = fields.Integer(string="Control People", readonly=True)
    unmatched_count = fields.Integer(string="Unmatched", readonly=True, help="Trained people without any control.")
    is_attainment = fields.Boolean(
        string="Measured as Attainment",
        readonly=True,
        help="The KPI is scored against the salesperson's quota: each person is measured by their attainment in "
        "each window, the KPI's value against the quota prorated by days (each quota line overlapping the window "
        "counts for its target x the days it shares with the window / its days), and the changes and the effect "
        "read in percentage points. Who has no quota over the whole of a window has no attainment in it (not "
        "0 %): a trained person is then left out of the effect and counted as without quota, a salesperson is "
        "nobody's control.",
    )
    no_quota_count = fields.Integer(
        string="Without Quota",
        readonly=True,
        help="Trained people left out of the effect because they have no quota over the whole of their before or "
        "after window: their attainment there has no value.",
    )
    trained_change = fields.Float(string="Change of the Trained", readonly=True, digits=(16, 2))
    control_change = fields.Float(string="Change of the Controls", readonly=True, digits=(16, 2))
    trained_change_text = fields.Char(
        string="Trained's Change",
        compute="_compute_effect_text",
        help="The mean change of the trained, in the KPI's unit.",
    )
    control_change_text = fields.Char(
        string="Controls' Change",
        compute="_compute_effect_text",
        help="The mean change of their controls, in the KPI's unit.",
    )
    effect = fields.Float(readonly=True, digits=(16, 2))
    ci_low = fields.Float(string="Interval From", readonly=True, digits=(16, 2))
    ci_high = fields.Float(string="Interval To", readonly=True, digits=(16, 2))
    verdict = fields.Selection(VERDICTS, readonly=True)
    effect_text = fields.Char(
        string="Effect and Interval",
        compute="_compute_effect_text",
        help="The effect and its 95 % interval in the KPI's unit, as its scorecards show it.",
    )
    person_ids = fields.One2many("spm.training.effect.person", "effect_id", string="People")

    _sql_constraints = [
        ("course_kpi_uniq", "unique(course_id, kpi_id)", "A course has one effect per KPI."),
    ]

    @api.depends(
        "effect", "ci_low", "ci_high", "trained_change", "control_change", "kpi_id", "company_id", "is_attainment"
    )
    @api.depends_context("lang")
    def _compute_effect_text(self):
        """Changes and effects in the KPI's unit: money with its currency, counts, percentage points
        for a percentage or an attainment ("+4.2 pp")."""
        for record in self:
            change = record.kpi_id._change_formatter(record.company_id, percent=record.is_attainment)
            record.trained_change_text = change(record.trained_change)
            record.control_change_text = change(record.control_change)
            record.effect_text = self.env._(
                "%(effect)s (95 %% interval: %(low)s to %(high)s)",
                effect=change(record.effect),
                low=change(record.ci_low),
                high=change(record.ci_high),
            )

    @api.model
    def _compute_for_courses(self, courses):
        """Server code: measure every course on each KPI it targets and write the results. Reads the
        KPI values with ``spm.kpi._read_values`` (the measures' grouped queries): two per KPI and
        distinct completion date. Completions whose after window has not ended yet are left out."""
        today = fields.Date.context_today(self)
        Enrolment = self.env["spm.training.enrolment"].sudo()
        for course in courses:
            first = {}  # user id: their earliest completion of the course
            for enrolment in Enrolment.search(
                [("course_id", "=", course.id), ("state", "=", "done"), ("completion_date", "!=", False)],
                order="completion_date, id",
            ):
                first.setdefault(enrolment.user_id.id, enrolment)
            cohorts = defaultdict(list)
            for enrolment in first.values():
                __, after = training_effect.windows(enrolment.completion_date, course.effect_days)
                if after[1] < today:
                    cohorts[enrolment.completion_date].append(enrolment)
            teams = self.env["crm.team"].sudo().search([("company_id", "in", (False, course.company_id.id))])
            pool = set(self.env["crm.team.member"].sudo().search([("crm_team_id", "in", teams.ids)]).user_id.ids)
            # who completed another course when: such a person is no control in windows around it (the other
            # course's effect would count as this one's absence)
            others = defaultdict(list)
            for user, day in Enrolment._read_group(
                [("course_id", "!=", course.id), ("user_id", "in", list(pool)), ("state", "=", "done"),
                 ("completion_date", "!=", False)],
                ["user_id", "completion_date:day"],
            ):  # fmt: skip
                others[user.id].append(day)
            for kpi in course.kpi_ids:
                self._measure(course, kpi, cohorts, pool, first, others)

    @api.model
    def _measure(self, course, kpi, cohorts, pool, first, others=None):
        others = others or {}
        company_ids = course.company_id.ids
        # an attainment is measured against the quota of each window: who has none there has no value,
        # as a ratio without denominator has none
        is_attainment = kpi._is_quota_attainment()
        read = kpi._read_attainments if is_attainment else kpi._read_values
        missing = None if is_attainment or kpi.kind == "ratio" else 0.0
        rows = []
        no_quota = set()
        for day in sorted(cohorts):
            (before_from, before_to), (after_from, after_to) = training_effect.windows(day, course.effect_days)
            controls = sorted(
                user
                for user in pool
                if (user not in first or first[user].completion_date > after_to)
                and not any(before_from <= other <= after_to for other in others.get(user, ()))
            )
            trained = cohorts[day]
            users = [*(enrolment.user_id.id for enrolment in trained), *controls]
            before = read(users, before_from, before_to, company_ids)
            after = read(users, after_from, after_to, company_ids)

            def values(user, before=before, after=after):
                return before.get(user, missing), after.get(user, missing)

            trained_rows = [(enrolment, *values(enrolment.user_id.id)) for enrolment in trained]
            pool_rows = [(user, *values(user)) for user in controls]
            if is_attainment:
                no_quota.update(row[0].user_id.id for row in trained_rows if None in row[1:])
            rows.append(
                (
                    [row for row in trained_rows if None not in row[1:]],
                    [row for row in pool_rows if None not in row[1:]],
                )
            )
        result = training_effect.did_effect(
            rows,
            k=course.effect_controls,
            min_people=course.effect_min_people,
            higher_is_better=kpi.direction == "higher",
        )
        vals = {
            "course_id": course.id,
            "kpi_id": kpi.id,
            "date_computed": fields.Datetime.now(),
            "days": course.effect_days,
            "trained_count": result.trained,
            "control_count": result.controls,
            "unmatched_count": result.unmatched,
            "is_attainment": is_attainment,
            "no_quota_count": len(no_quota),
            "trained_change": result.trained_change,
            "control_change": result.control_change,
            "effect": result.effect,
            "ci_low": result.ci_low,
            "ci_high": result.ci_high,
            "verdict": result.verdict,
            "person_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "enrolment_id": person.person.id,
                        "before": person.before,
                        "after": person.after,
                        "control_change": person.control_change,
                        "control_count": len(person.controls),
                        "effect": person.effect,
                    }
                )
                for person in result.people
            ],
        }
        effect = self.sudo().search([("course_id", "=", course.id), ("kpi_id", "=", kpi.id)])
        if effect:
            effect.write(vals)
        else:
            effect = self.sudo().create(vals)
        return effect
