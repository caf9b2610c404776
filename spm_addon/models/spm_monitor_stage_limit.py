from odoo import fields, models


class SpmMonitorStageLimit(models.Model):
    """The days an opportunity may stay in one stage, for a stalled-opportunity rule."""

    _name = "spm.monitor.stage.limit"
    _description = "Monitoring Limit by Stage"
    _order = "rule_id, stage_id"

    rule_id = fields.Many2one("spm.monitor.rule", required=True, ondelete="cascade", index=True)
    stage_id = fields.Many2one("crm.stage", required=True, ondelete="cascade")
    days = fields.Integer(string="Days in Stage", required=True, default=30)

    _sql_constraints = [
        ("rule_stage_unique", "UNIQUE(rule_id, stage_id)", "A stage has one limit per rule."),
        ("days_positive", "CHECK(days >= 0)", "The days in stage cannot be negative."),
    ]
