from odoo import fields, models


class MailActivityType(models.Model):
    _inherit = "mail.activity.type"

    spm_code = fields.Char(
        string="Sales Performance Code",
        help="Lets KPIs find this type whatever its name: 'visit' for customer visits, 'report' for sales reports.",
    )
