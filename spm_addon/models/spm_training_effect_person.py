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
    before = fields.Float(readonly=True, digits=(16, 2))
    after = fields.Float(readonly=True, digits=(16, 2))
    change = fields.Float(compute="_compute_change", digits=(16, 2))
    control_change = fields.Float(string="Change of the Controls", readonly=True, digits=(16, 2))
    control_count = fields.Integer(string="Controls", readonly=True)
    effect = fields.Float(readonly=True, digits=(16, 2))

    @api.depends("before", "after")
    def _compute_change(self):
        for line in self:
            line.change = line.after - line.before
