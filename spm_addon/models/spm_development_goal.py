from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import access

STATES = [("todo", "To Do"), ("progress", "In Progress"), ("done", "Done"), ("cancelled", "Cancelled")]
# what the person writes on their own goals; the rest is the manager's
PERSON_FIELDS = {"progress_comment"}


class SpmDevelopmentGoal(models.Model):
    _name = "spm.development.goal"
    _description = "Development Goal"
    _check_company_auto = True
    _order = "plan_id, due_date, sequence, id"
    _rec_name = "description"

    plan_id = fields.Many2one("spm.development.plan", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    description = fields.Char(required=True)
    due_date = fields.Date()
    state = fields.Selection(STATES, required=True, default="todo")
    progress_comment = fields.Text(string="Progress", help="The person's own account of their progress.")
    user_id = fields.Many2one(related="plan_id.user_id", store=True, index=True)
    manager_user_id = fields.Many2one(related="plan_id.manager_user_id", store=True, index=True)
    team_id = fields.Many2one(related="plan_id.team_id", store=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)

    @api.constrains("due_date", "plan_id")
    def _check_due_date(self):
        for goal in self:
            if goal.due_date and goal.due_date < goal.plan_id.date_start:
                raise ValidationError(
                    self.env._(
                        "The goal %(goal)s is due (%(due)s) before its plan starts (%(start)s).",
                        goal=goal.description,
                        due=goal.due_date,
                        start=goal.plan_id.date_start,
                    )
                )

    def write(self, vals):
        if not self.env.su and not access.has(self.env, "manager"):
            refused = set(vals) - PERSON_FIELDS
            if refused:
                raise UserError(
                    self.env._(
                        "You may only write the progress of your goals, not %(fields)s.",
                        fields=", ".join(access.field_labels(self, refused)),
                    )
                )
        return super().write(vals)
