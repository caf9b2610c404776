from calendar import monthrange
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

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

    def _evaluate(self, users, today):
        """{user id: (value, required, detail)} of this criterion for ``users``: met when value >= required.
        Grouped reads over all users at once (one query per month for a KPI)."""
        self.ensure_one()
        return getattr(self, f"_evaluate_{self.kind}")(users, today)

    def _evaluate_grade(self, users, today):
        # the last N closed appraisals of each person, newest first; value = how many reach the grade
        rows = (
            self.env["spm.appraisal"]
            .sudo()
            ._read_group(
                [("user_id", "in", users.ids), ("state", "=", "done"), ("final_grade_id", "!=", False)],
                ["user_id", "campaign_id", "final_grade_id"],
            )
        )
        campaigns = self.env["spm.appraisal.campaign"].browse({campaign.id for _user, campaign, _grade in rows})
        campaigns.fetch(["date_to"])
        by_user = {}
        for user, _campaign, grade in sorted(rows, key=lambda row: (row[1].date_to, row[1].id), reverse=True):
            by_user.setdefault(user.id, []).append(grade)
        floor = self.grade_id.min_score
        result = {}
        for user in users:
            last = by_user.get(user.id, [])[: self.count]
            result[user.id] = (
                float(sum(1 for grade in last if grade.min_score >= floor)),
                float(self.count),
                ", ".join(grade.name for grade in last) or self.env._("no closed appraisal"),
            )
        return result

    def _evaluate_kpi(self, users, today):
        # the KPI's own value reading, one grouped query per month; value = how many months reach X
        months = last_months(today, self.count)
        values_by_month = [
            self.kpi_id.sudo()._read_values(users.ids, first, last, self.company_id.ids) for first, last in months
        ]
        result = {}
        for user in users:
            values = [values.get(user.id) for values in values_by_month]
            result[user.id] = (
                float(sum(1 for value in values if value is not None and value >= self.min_value)),
                float(self.count),
                " / ".join(self.kpi_id._format_value(value) if value is not None else "-" for value in values),
            )
        return result

    def _evaluate_certification(self, users, today):
        rows = self.env["spm.training.enrolment"].sudo()._read_group(
            [("user_id", "in", users.ids), ("course_id", "=", self.course_id.id), ("state", "=", "done"),
             "|", ("expiry_date", "=", False), ("expiry_date", ">=", today)],
            ["user_id"],
            ["__count"],
        )  # fmt: skip
        certified = {user.id for user, _count in rows}
        return {
            user.id: (
                1.0 if user.id in certified else 0.0,
                1.0,
                self.env._("certified") if user.id in certified else self.env._("not certified"),
            )
            for user in users
        }
