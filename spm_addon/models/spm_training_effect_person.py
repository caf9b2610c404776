from odoo import api, fields, models


class SpmTrainingEffectPerson(models.Model):
    """One trained person's before and after on a KPI their course targets, against the mean change
    of their matched controls. Written by the server with the course's effect."""

    _name = "spm.training.effect.person"
    _description = "Training Effect per Person"
    _order = "effect_id, id"

    effect_id = fields.Many2one(
        "spm.training.effect", string="Course Effect", required=True, ondelete="cascade", index=True
    )
    course_id = fields.Many2one(related="effect_id.course_id", store=True)
    kpi_id = fields.Many2one(related="effect_id.kpi_id", store=True)
    enrolment_id = fields.Many2one("spm.training.enrolment", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one(related="enrolment_id.user_id", store=True, string="Salesperson")
    team_id = fields.Many2one(related="enrolment_id.team_id", store=True)
    manager_user_id = fields.Many2one(related="enrolment_id.manager_user_id", store=True)
    company_id = fields.Many2one(related="enrolment_id.company_id", store=True)
    completion_date = fields.Date(related="enrolment_id.completion_date")
    is_attainment = fields.Boolean(related="effect_id.is_attainment")
    before = fields.Float(readonly=True, digits=(16, 2))
    after = fields.Float(readonly=True, digits=(16, 2))
    change = fields.Float(compute="_compute_change", digits=(16, 2))
    control_change = fields.Float(string="Change of the Controls", readonly=True, digits=(16, 2))
    control_count = fields.Integer(string="Controls", readonly=True)
    effect = fields.Float(readonly=True, digits=(16, 2))
    before_text = fields.Char(
        string="Before in KPI Unit",
        compute="_compute_texts",
        help="The KPI before, in its unit; for a KPI scored against the quota, the attainment of the quota "
        "prorated by days.",
    )
    after_text = fields.Char(
        string="After in KPI Unit",
        compute="_compute_texts",
        help="The KPI after, in its unit; for a KPI scored against the quota, the attainment of the quota "
        "prorated by days.",
    )
    change_text = fields.Char(
        string="Change in KPI Unit", compute="_compute_texts", help="After - before, in the KPI's unit."
    )
    control_change_text = fields.Char(
        string="Controls' Change", compute="_compute_texts", help="The mean change of the controls, in the KPI's unit."
    )
    effect_text = fields.Char(
        string="Effect in KPI Unit",
        compute="_compute_texts",
        help="The change beyond the controls', in the KPI's unit.",
    )

    @api.depends("before", "after")
    def _compute_change(self):
        for line in self:
            line.change = line.after - line.before

    @api.depends("before", "after", "control_change", "effect", "kpi_id", "company_id", "is_attainment")
    @api.depends_context("lang")
    def _compute_texts(self):
        """Values and changes in the KPI's unit: money with its currency, counts, a percentage's
        changes in percentage points ("+4.2 pp"); an attainment's values in % of the quota prorated
        by days, its changes in percentage points."""
        for line in self:
            kpi, company, percent = line.kpi_id, line.company_id, line.is_attainment
            value = (
                kpi._value_formatter(currency=company.currency_id if company else None, percent=percent)
                if kpi
                else lambda v: f"{v:g}"
            )
            line.before_text = value(line.before)
            line.after_text = value(line.after)
            line.change_text = kpi._change_formatter(company, averaged=False, percent=percent)(line.change)
            averaged = kpi._change_formatter(company, percent=percent)
            line.control_change_text = averaged(line.control_change)
            line.effect_text = averaged(line.effect)
