from odoo import models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def action_spm_satisfaction_survey(self):
        """Invite the customer of a won deal to the customer satisfaction survey: the answer is credited
        to the customer's salesperson by the satisfaction KPI."""
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._("Set the customer of %(deal)s first.", deal=self.name))
        survey = self.env["survey.survey"].search([("is_spm_satisfaction", "=", True)], limit=1)
        if not survey:
            raise UserError(self.env._("No survey is marked as the customer satisfaction survey."))
        action = survey.action_send_survey()
        action["context"] = {**action["context"], "default_partner_ids": self.partner_id.ids}
        return action
