from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import ratios
from .spm_kpi import CATEGORIES

# written by the campaign's computation only (server code), never by a client
SERVER_FIELDS = {
    "appraisal_id", "campaign_id", "user_id", "company_id", "template_line_id", "sequence", "kind", "kpi_id",
    "criterion_id", "name", "category", "weight", "actual", "target", "attainment", "has_value", "score",
    "weighted_score",
}  # fmt: skip
SELF_FIELDS = {"self_rating", "self_comment"}
MANAGER_FIELDS = {"manager_rating", "manager_comment"}
RATINGS = [("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5")]


class SpmAppraisalLine(models.Model):
    """One weighted part of an appraisal: a KPI's actual, target, score and weighted contribution,
    or a criterion's rating."""

    _name = "spm.appraisal.line"
    _description = "Appraisal Line"
    _order = "appraisal_id, sequence, id"
    # a group's attainment (e.g. of one KPI over a team): its actuals over its targets, in %
    _GROUP_RATIOS = {"attainment": ("actual", "target", 100.0)}

    appraisal_id = fields.Many2one("spm.appraisal", required=True, ondelete="cascade", index=True)
    campaign_id = fields.Many2one(related="appraisal_id.campaign_id", store=True, index=True)
    user_id = fields.Many2one(related="appraisal_id.user_id", store=True)
    company_id = fields.Many2one(related="appraisal_id.company_id", store=True)
    state = fields.Selection(related="appraisal_id.state")
    template_line_id = fields.Many2one("spm.appraisal.template.line", ondelete="set null")
    sequence = fields.Integer()
    kind = fields.Selection([("kpi", "KPI"), ("criterion", "Manager rating")], required=True)
    kpi_id = fields.Many2one("spm.kpi", string="KPI", ondelete="restrict")
    criterion_id = fields.Many2one("spm.appraisal.criterion", string="Criterion", ondelete="restrict")
    name = fields.Char(required=True, translate=False)
    category = fields.Selection(CATEGORIES, required=True)
    weight = fields.Float(string="Weight (%)", digits=(5, 2))
    unit = fields.Char(related="kpi_id.unit")
    actual = fields.Float(readonly=True, digits=(16, 2))
    target = fields.Float(readonly=True, digits=(16, 2))
    attainment = fields.Float(string="Attainment (%)", readonly=True, digits=(16, 1), aggregator="avg")
    has_value = fields.Boolean(readonly=True, help="False when a ratio's denominator was zero.")
    score = fields.Float(readonly=True, digits=(16, 1), aggregator="avg")
    weighted_score = fields.Float(string="Contribution", readonly=True, digits=(16, 2))
    self_rating = fields.Selection(RATINGS)
    self_comment = fields.Text()
    manager_rating = fields.Selection(RATINGS)
    manager_comment = fields.Text()
    label = fields.Char(string="KPI or Criterion", compute="_compute_label", help="In the reader's language.")
    actual_display = fields.Char(string="Actual ", compute="_compute_display_values")
    target_display = fields.Char(string="Target ", compute="_compute_display_values")
    level_description = fields.Char(compute="_compute_level_description")
    explanation = fields.Text(string="How it is computed", compute="_compute_explanation")

    @api.depends("name", "kpi_id.name", "criterion_id.name")
    @api.depends_context("lang")
    def _compute_label(self):
        for line in self:
            line.label = line.kpi_id.name or line.criterion_id.name or line.name

    @api.depends("actual", "target", "kpi_id", "has_value")
    @api.depends_context("lang")
    def _compute_display_values(self):
        for line in self:
            kpi = line.kpi_id
            shown = kpi and line.kind == "kpi"
            currency = line.appraisal_id.company_id.currency_id
            line.actual_display = kpi._format_value(line.actual, currency) if shown and line.has_value else False
            line.target_display = kpi._format_value(line.target, currency) if shown else False

    @api.depends("manager_rating", "criterion_id")
    def _compute_level_description(self):
        for line in self:
            rating = line.manager_rating or line.self_rating
            line.level_description = line.criterion_id[f"level_{rating}"] if line.criterion_id and rating else False

    @api.depends("actual", "target", "score", "weight", "kpi_id", "manager_rating")
    @api.depends_context("lang")
    def _compute_explanation(self):
        for line in self:
            line.explanation = line._explain()

    def _explain(self):
        _ = self.env._
        if self.kind == "criterion":
            if not self.manager_rating:
                return _("Not rated by the manager yet: left out of the provisional score until it is.")
            return _(
                "Manager rating %(rating)s of 5 x 20 = score %(score)s; x weight %(weight)s %% = %(contribution)s.",
                rating=self.manager_rating,
                score=round(self.score, 1),
                weight=self.weight,
                contribution=round(self.weighted_score, 2),
            )
        kpi = self.kpi_id
        if not self.has_value:
            return _("%(kpi)s has no value: its denominator is zero. It scores 0.", kpi=kpi.name)
        curve = dict(kpi._fields["curve"]._description_selection(self.env))[kpi.curve]
        return _(
            "Actual %(actual)s against target %(target)s = %(attainment)s %% attainment; %(curve)s "
            "(floor %(floor)s, cap %(cap)s) gives score %(score)s; x weight %(weight)s %% = %(contribution)s.",
            actual=kpi._format_value(self.actual),
            target=kpi._format_value(self.target),
            attainment=round(self.attainment, 1),
            curve=curve,
            floor=kpi.score_floor,
            cap=kpi.score_cap or "-",
            score=round(self.score, 1),
            weight=self.weight,
            contribution=round(self.weighted_score, 2),
        )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        return ratios.select(self, self._GROUP_RATIOS, aggregate_spec, query) or super()._read_group_select(
            aggregate_spec, query
        )

    def write(self, vals):
        if not self.env.su:
            self._check_can_write(vals)
        result = super().write(vals)
        if "manager_rating" in vals:
            self.appraisal_id.campaign_id._compute_totals(self.appraisal_id)
        return result

    def _check_can_write(self, vals):
        is_manager = self.env.user.has_group("spm_addon.group_spm_manager")
        for line in self:
            appraisal = line.appraisal_id
            if appraisal.state == "done":
                raise UserError(
                    self.env._("The appraisal of %(employee)s is done and locked.", employee=appraisal.employee_id.name)
                )
            allowed = set()
            if appraisal.state == "self" and appraisal.user_id == self.env.user:
                allowed |= SELF_FIELDS
            if is_manager and appraisal.state in ("review", "calibration"):
                allowed |= MANAGER_FIELDS
            if self.env.user.has_group("spm_addon.group_spm_admin"):
                allowed |= MANAGER_FIELDS | SELF_FIELDS
            protected = SERVER_FIELDS | SELF_FIELDS | MANAGER_FIELDS
            appraisal._refuse_fields((set(vals) & protected) - allowed, line)

    def action_view_sources(self):
        """The records behind the KPI's actual (the user's own access rights apply)."""
        self.ensure_one()
        measure = self.kpi_id._source_measure()
        appraisal = self.appraisal_id
        return measure._source_action(
            appraisal.date_from, appraisal.date_to, domain=measure._owner_domain(self.user_id.ids)
        )
