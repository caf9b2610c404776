from calendar import monthrange
from collections import defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

KINDS = [
    ("grade", "Appraisal Grade"),
    ("kpi", "KPI Value"),
    ("certification", "Certification"),
]


def last_months(today, count):
    """The ``count`` complete calendar months before ``today``'s, oldest first, as (first day, last day)."""
    start = date(today.year, today.month, 1)
    months = []
    for back in range(count, 0, -1):
        first = start - relativedelta(months=back)
        months.append((first, date(first.year, first.month, monthrange(first.year, first.month)[1])))
    return months


class SpmCareerCriterion(models.Model):
    """What a person must meet to reach a level: an appraisal grade at least G in each of the last N
    closed appraisals, a KPI value at least X in each of the last N complete months, or a
    certification (a course completed and not expired)."""

    _name = "spm.career.criterion"
    _description = "Career Level Criterion"
    _check_company_auto = True
    _order = "level_id, sequence, id"

    name = fields.Char(compute="_compute_name")
    sequence = fields.Integer(default=10)
    level_id = fields.Many2one("spm.career.level", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="level_id.company_id", store=True, index=True, precompute=True)
    kind = fields.Selection(KINDS, required=True, default="grade")
    grade_id = fields.Many2one(
        "spm.appraisal.grade", string="At Least Grade", help="Grades compare by their minimum score."
    )
    count = fields.Integer(
        string="Over the Last",
        default=1,
        help="Closed appraisals (grade) or complete months (KPI) that must all meet it.",
    )
    kpi_id = fields.Many2one("spm.kpi", string="KPI", check_company=True)
    min_value = fields.Float(string="At Least Value")
    course_id = fields.Many2one("spm.training.course", string="Certification", check_company=True)

    @api.depends("kind", "grade_id", "count", "kpi_id", "min_value", "course_id")
    def _compute_name(self):
        for criterion in self:
            if criterion.kind == "grade":
                criterion.name = self.env._(
                    "Grade %(grade)s or better in the last %(count)s closed appraisals",
                    grade=criterion.grade_id.name or "?",
                    count=criterion.count,
                )
            elif criterion.kind == "kpi":
                criterion.name = self.env._(
                    "%(kpi)s at least %(value)s in each of the last %(count)s months",
                    kpi=criterion.kpi_id.name or "?",
                    value=criterion.min_value,
                    count=criterion.count,
                )
            else:
                criterion.name = self.env._("Certified in %(course)s", course=criterion.course_id.name or "?")

    @api.constrains("kind", "grade_id", "count", "kpi_id", "course_id")
    def _check_definition(self):
        for criterion in self:
            if criterion.kind in ("grade", "kpi") and criterion.count < 1:
                raise ValidationError(
                    self.env._(
                        "A criterion of level %(level)s counts over at least 1 appraisal or month, not %(count)s.",
                        level=criterion.level_id.name,
                        count=criterion.count,
                    )
                )
            missing = {"grade": "grade_id", "kpi": "kpi_id", "certification": "course_id"}[criterion.kind]
            if not criterion[missing]:
                raise ValidationError(
                    self.env._(
                        "A criterion of level %(level)s of kind %(kind)s needs %(field)s.",
                        level=criterion.level_id.name,
                        kind=dict(self._fields["kind"]._description_selection(self.env))[criterion.kind],
                        field=self._fields[missing]._description_string(self.env),
                    )
                )

    def _evaluate(self, users_of, today):
        """{criterion id: {user id: (value, required, detail)}} of these criteria, each for the users
        ``users_of[criterion id]`` (a list of user ids): met when value >= required. Batched over all
        the criteria: one SQL query for the appraisal grades, one grouped query per KPI and company
        (every month at once), one for the certifications."""
        result = {}
        for kind in ("grade", "kpi", "certification"):
            criteria = self.filtered(lambda criterion, kind=kind: criterion.kind == kind)
            if criteria:
                result.update(getattr(criteria, f"_evaluate_{kind}")(users_of, today))
        return result

    def _evaluate_grade(self, users_of, _today):
        # the last N closed appraisals of each person (one per campaign and grade, as a grouped read
        # would count them), newest campaign first; value = how many of them reach the grade
        user_ids = sorted({user_id for criterion in self for user_id in users_of[criterion.id]})
        depth = max(self.mapped("count"))
        self.env["spm.appraisal"].flush_model(["user_id", "campaign_id", "state", "final_grade_id"])
        self.env["spm.appraisal.campaign"].flush_model(["date_to"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT user_id, grade_id FROM (
                    SELECT last.user_id, last.grade_id,
                           ROW_NUMBER() OVER (PARTITION BY last.user_id
                                              ORDER BY last.date_to DESC, last.campaign_id DESC, last.grade_id) AS n
                      FROM (SELECT DISTINCT a.user_id, a.campaign_id, a.final_grade_id AS grade_id, c.date_to
                              FROM spm_appraisal a
                              JOIN spm_appraisal_campaign c ON c.id = a.campaign_id
                             WHERE a.user_id = ANY(%s) AND a.state = 'done' AND a.final_grade_id IS NOT NULL) last
                ) numbered
                WHERE n <= %s
                ORDER BY user_id, n
                """,
                user_ids,
                depth,
            )
        )
        grades = self.env["spm.appraisal.grade"].sudo().browse({grade_id for _user_id, grade_id in rows})
        grade_of = {grade.id: grade for grade in grades}
        by_user = defaultdict(list)
        for user_id, grade_id in rows:
            by_user[user_id].append(grade_of[grade_id])
        none = self.env._("no closed appraisal")
        result = {}
        for criterion in self:
            floor = criterion.grade_id.min_score
            figures = result[criterion.id] = {}
            for user_id in users_of[criterion.id]:
                last = by_user.get(user_id, [])[: criterion.count]
                figures[user_id] = (
                    float(sum(1 for grade in last if grade.min_score >= floor)),
                    float(criterion.count),
                    ", ".join(grade.name for grade in last) or none,
                )
        return result

    def _evaluate_kpi(self, users_of, today):
        # the KPI's own value reading, grouped by person and month in one query per KPI and company,
        # over as many months as its most demanding criterion; value = how many months reach X
        values_of = {}
        groups = self.grouped(lambda criterion: (criterion.kpi_id, criterion.company_id))
        for (kpi, company), criteria in groups.items():
            months = last_months(today, max(criteria.mapped("count")))
            user_ids = sorted({user_id for criterion in criteria for user_id in users_of[criterion.id]})
            values_of[kpi, company] = kpi.sudo()._read_monthly_values(
                user_ids, months[0][0], months[-1][1], company.ids
            )
        formatters = {kpi: kpi._value_formatter() for kpi in self.kpi_id}
        result = {}
        for criterion in self:
            kpi = criterion.kpi_id
            format_value = formatters[kpi]
            values = values_of[kpi, criterion.company_id]
            months = [first for first, _last in last_months(today, criterion.count)]
            figures = result[criterion.id] = {}
            for user_id in users_of[criterion.id]:
                monthly = [values.get((user_id, month)) for month in months]
                figures[user_id] = (
                    float(sum(1 for value in monthly if value is not None and value >= criterion.min_value)),
                    float(criterion.count),
                    " / ".join(format_value(value) if value is not None else "-" for value in monthly),
                )
        return result

    def _evaluate_certification(self, users_of, today):
        user_ids = sorted({user_id for criterion in self for user_id in users_of[criterion.id]})
        rows = self.env["spm.training.enrolment"].sudo()._read_group(
            [("user_id", "in", user_ids), ("course_id", "in", self.course_id.ids), ("state", "=", "done"),
             "|", ("expiry_date", "=", False), ("expiry_date", ">=", today)],
            ["user_id", "course_id"],
            ["__count"],
        )  # fmt: skip
        certified = {(user.id, course.id) for user, course, _count in rows}
        yes, no = self.env._("certified"), self.env._("not certified")
        result = {}
        for criterion in self:
            course_id = criterion.course_id.id
            result[criterion.id] = {
                user_id: (1.0, 1.0, yes) if (user_id, course_id) in certified else (0.0, 1.0, no)
                for user_id in users_of[criterion.id]
            }
        return result
