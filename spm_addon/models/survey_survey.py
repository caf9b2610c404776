from odoo import fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    is_spm_satisfaction = fields.Boolean(
        string="Customer Satisfaction Survey",
        help="Scored answers of this survey feed the customer satisfaction KPI of the customer's salesperson.",
    )
