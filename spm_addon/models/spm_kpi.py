from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_round, get_lang

from ..engine import attainment, curves

CATEGORIES = [
    ("result", "Results"),
    ("behaviour", "Behaviour"),
    ("satisfaction", "Customer Satisfaction"),
    ("custom", "Custom"),
]


class SpmKpi(models.Model):
    """A KPI template: what is measured (a measure, or the ratio of two KPIs), against which target,
    and how the result becomes a score (100 = on target)."""

    _name = "spm.kpi"
    _description = "KPI Template"
    _check_company_auto = True
    _order = "category, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one("res.company", help="Leave empty to share the KPI between companies.")
    category = fields.Selection(CATEGORIES, required=True, default="result")
    kind = fields.Selection(
        [("measure", "Measure"), ("ratio", "Ratio of two KPIs")],
        required=True,
        default="measure",
        help="A ratio is numerator / denominator x factor. When the denominator is zero the KPI has no "
        "value: it scores 0 and its line says why.",
    )
    measure_id = fields.Many2one(
        "spm.measure",
        check_company=True,
        help="Source model, filter, date field, owner field and aggregation (count, sum, average, "
        "distinct count) of the KPI.",
    )
    model_id = fields.Many2one(related="measure_id.model_id", string="Source Model")
    model_name = fields.Char(related="measure_id.model_name")
    domain = fields.Char(related="measure_id.domain", string="Filter")
    date_field_id = fields.Many2one(related="measure_id.date_field_id")
    user_field_id = fields.Many2one(related="measure_id.user_field_id", string="Owner Field")
    aggregation = fields.Selection(related="measure_id.aggregation")
    value_field_id = fields.Many2one(related="measure_id.value_field_id")
    numerator_id = fields.Many2one("spm.kpi", string="Numerator", check_company=True)
    denominator_id = fields.Many2one("spm.kpi", string="Denominator", check_company=True)
    ratio_factor = fields.Float(default=100.0, help="100 gives the ratio in %.")
    unit = fields.Char(translate=True, help="Shown after the values, e.g. %, CNY, visits.")
    direction = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")], required=True, default="higher"
    )
    target_mode = fields.Selection(
        [("fixed", "Fixed value"), ("quota", "Salesperson's quota")],
        required=True,
        default="fixed",
        help="Quota: the targets of the salesperson's quota lines of the period, from active, locked "
        "or closed quota plans of the quota measure.",
    )
    target_value = fields.Float(string="Target", digits=(16, 2))
    quota_measure_id = fields.Many2one("spm.measure", string="Quota Measure", check_company=True)
    curve = fields.Selection(
        [("linear", "Linear (floor and cap)"), ("steps", "Threshold steps"), ("pass_fail", "Pass / fail")],
        string="Scoring Curve",
        required=True,
        default="linear",
    )
    score_floor = fields.Float(string="Floor", default=0.0)
    score_cap = fields.Float(string="Cap", default=120.0, help="0 means no cap.")
    pass_score = fields.Float(default=100.0)
    step_ids = fields.One2many("spm.kpi.step", "kpi_id", string="Steps", copy=True)

    @api.constrains("kind", "measure_id", "numerator_id", "denominator_id", "target_mode", "target_value")
    def _check_definition(self):
        for kpi in self:
            if kpi.kind == "measure" and not kpi.measure_id:
                raise ValidationError(self.env._("KPI %(kpi)s: choose the measure it reads.", kpi=kpi.name))
            if kpi.kind == "ratio":
                if not (kpi.numerator_id and kpi.denominator_id):
                    raise ValidationError(
                        self.env._("KPI %(kpi)s: a ratio needs a numerator and a denominator.", kpi=kpi.name)
                    )
                if (
                    kpi._has_cycle("numerator_id")
                    or kpi._has_cycle("denominator_id")
                    or kpi in (kpi.numerator_id | kpi.denominator_id)
                ):
                    raise ValidationError(self.env._("KPI %(kpi)s: a ratio cannot use itself.", kpi=kpi.name))
                if kpi.target_mode == "quota":
                    raise ValidationError(
                        self.env._("KPI %(kpi)s: a ratio has a fixed target, not a quota.", kpi=kpi.name)
                    )
            if kpi.target_value < 0:
                raise ValidationError(
                    self.env._(
                        "KPI %(kpi)s: the target cannot be negative (%(target)s).",
                        kpi=kpi.name,
                        target=kpi.target_value,
                    )
                )

    @api.constrains("curve", "step_ids", "score_floor", "score_cap")
    def _check_curve(self):
        for kpi in self:
            if kpi.curve == "steps" and not kpi.step_ids:
                raise ValidationError(self.env._("KPI %(kpi)s: a step curve needs at least one step.", kpi=kpi.name))
            if kpi.score_cap and kpi.score_cap < kpi.score_floor:
                raise ValidationError(
                    self.env._(
                        "KPI %(kpi)s: the cap (%(cap)s) is below the floor (%(floor)s).",
                        kpi=kpi.name,
                        cap=kpi.score_cap,
                        floor=kpi.score_floor,
                    )
                )
            thresholds = kpi.step_ids.mapped("threshold")
            if len(thresholds) != len(set(thresholds)):
                raise ValidationError(self.env._("KPI %(kpi)s: two steps have the same threshold.", kpi=kpi.name))

    @api.onchange("measure_id")
    def _onchange_measure_id(self):
        if self.measure_id and not self.quota_measure_id:
            self.quota_measure_id = self.measure_id

    def _read_values(self, user_ids, date_from, date_to, company_ids=None):
        """{user id: value} of the KPI over the period: one grouped query per measure. A ratio whose
        denominator is zero has no value (absent from the result)."""
        self.ensure_one()
        if self.kind == "ratio":
            numerators = self.numerator_id._read_values(user_ids, date_from, date_to, company_ids)
            denominators = self.denominator_id._read_values(user_ids, date_from, date_to, company_ids)
            values = {}
            for user_id in user_ids:
                value = curves.ratio(numerators.get(user_id, 0.0), denominators.get(user_id, 0.0), self.ratio_factor)
                if value is not None:
                    values[user_id] = value
            return values
        rows = self.measure_id._read_values(date_from, date_to, groupby=("user",), company_ids=company_ids)
        wanted = set(user_ids)
        return {key[0]: value for key, value in rows.items() if key[0] in wanted}

    def _read_monthly_values(self, user_ids, date_from, date_to, company_ids=None):
        """{(user id, first day of the month): value} of the KPI in each calendar month of [date_from,
        date_to] (whole months): one query grouped by person and month per measure, the same figures
        as ``_read_values`` month by month. A month without value (or a ratio whose denominator is
        zero) is absent."""
        self.ensure_one()
        if self.kind == "ratio":
            numerators = self.numerator_id._read_monthly_values(user_ids, date_from, date_to, company_ids)
            denominators = self.denominator_id._read_monthly_values(user_ids, date_from, date_to, company_ids)
            values = {}
            for key in numerators.keys() | denominators.keys():
                value = curves.ratio(numerators.get(key, 0.0), denominators.get(key, 0.0), self.ratio_factor)
                if value is not None:
                    values[key] = value
            return values
        measure = self.measure_id
        rows = measure._read_values(
            date_from,
            date_to,
            groupby=("user", "month"),
            domain=measure._owner_domain(user_ids),
            company_ids=company_ids,
        )
        return {key: value for key, value in rows.items() if key[0] is not None}

    def _read_targets(self, user_ids, date_from, date_to, company_ids=None):
        """{user id: target}: the fixed target, or the sum of the salesperson's finest quota lines
        inside the period (one query)."""
        self.ensure_one()
        if self.target_mode == "fixed":
            return dict.fromkeys(user_ids, self.target_value)
        measure = self.quota_measure_id or self.measure_id
        return self.env["spm.quota.line"]._read_user_targets(measure, user_ids, date_from, date_to, company_ids)

    def _is_quota_attainment(self):
        """Whether the KPI's value is scored against the salesperson's quota: an attainment, whose
        changes read in percentage points of the quota (a training's effect)."""
        self.ensure_one()
        return self.kind == "measure" and self.target_mode == "quota"

    def _read_attainments(self, user_ids, date_from, date_to, company_ids=None):
        """{user id: attainment %} over [date_from, date_to]: the KPI's value against the quota
        prorated by days (``engine.attainment.window_attainment``). Who has no quota over the whole
        period (or a quota of 0) has no attainment: absent, not 0 %. Two queries."""
        self.ensure_one()
        values = self._read_values(user_ids, date_from, date_to, company_ids)
        lines = self.env["spm.quota.line"]._read_user_lines(
            self.quota_measure_id or self.measure_id, user_ids, date_from, date_to, company_ids
        )
        attainments = {}
        for user_id, user_lines in lines.items():
            value = attainment.window_attainment(values.get(user_id, 0.0), user_lines, date_from, date_to)
            if value is not None:
                attainments[user_id] = value
        return attainments

    def _format_value(self, value, currency=None):
        """``value`` as a reader expects it, in their language: counts as whole numbers, percentages
        with one decimal and %, money with its currency (``currency``, else the KPI's company's),
        other amounts with thousands separators; followed by the KPI's unit."""
        self.ensure_one()
        return self._value_formatter(currency=currency)(value)

    def _value_formatter(self, averaged=False, currency=None, change=False, percent=False):
        """A function formatting values as ``_format_value`` does, for many values: the reader's
        language is looked up once and each distinct value formatted once. ``averaged``: the values
        are means over people (a training's effect), so counts keep two decimals. ``change``: the
        values are differences, signed, and a percentage's in percentage points ("+4.2 pp").
        ``percent``: the values are percentages whatever the KPI's unit (attainments of its quota)."""
        self.ensure_one()
        lang = self.env["res.lang"].browse(get_lang(self.env).id)
        counts = (
            self.kind == "measure" and self.aggregation in ("count", "count_distinct") and not averaged and not percent
        )
        unit = "%" if percent else self.unit
        money = (
            not unit
            and self.kind == "measure"
            and self.aggregation in ("sum", "avg")
            and self.sudo().value_field_id.ttype == "monetary"
        )
        currency = currency or (self.company_id or self.env.company).currency_id
        points = self.env._("%(value)s pp") if change and unit == "%" else None
        done = {}

        def number(value, digits):
            return lang.format(
                f"%.{digits}f", float_round(value, precision_digits=digits, rounding_method="HALF-EVEN"), grouping=True
            )

        def text_of(value):
            if unit == "%" and not counts:
                return points % {"value": number(value, 1)} if points else f"{number(value, 1)} %"
            text = number(value, 0 if counts or abs(value) >= 1000 else 2)
            if money and not counts:  # as Odoo shows money: the symbol on its side, a non-breaking space between
                text = (
                    f"{currency.symbol}\N{NO-BREAK SPACE}{text}"
                    if currency.position == "before"
                    else (f"{text}\N{NO-BREAK SPACE}{currency.symbol}")
                )
            return f"{text} {unit}" if unit else text

        def format_value(value):
            if value not in done:
                if change:  # the sign leads, before a currency symbol too: "+$ 300.00", "-4.2 pp"
                    text = text_of(abs(value))
                    shown = text_of(0.0) != text  # what rounds to 0 has no sign
                    done[value] = ("+" if value > 0 else "-") + text if shown else text
                else:
                    done[value] = text_of(value)
            return done[value]

        return format_value

    def _change_formatter(self, company=None, averaged=True, percent=False):
        """``_value_formatter`` for changes (signed, percentage points) in ``company``'s currency; for
        no KPI, the plain number."""
        if not self:
            return lambda value: f"{value:+g}"
        return self._value_formatter(
            averaged=averaged, currency=company.currency_id if company else None, change=True, percent=percent
        )

    def _score(self, actual, target):
        """(attainment %, score) of one value on the KPI's curve (see engine.curves.score)."""
        self.ensure_one()
        return curves.score(
            self.curve,
            actual,
            target,
            higher_is_better=self.direction == "higher",
            floor=self.score_floor,
            cap=self.score_cap or None,
            thresholds=[(step.threshold, step.score) for step in self.step_ids],
            pass_score=self.pass_score,
        )

    def _source_measure(self):
        """The measure whose records explain the KPI (a ratio shows its numerator's)."""
        self.ensure_one()
        return self.measure_id if self.kind == "measure" else self.numerator_id._source_measure()
