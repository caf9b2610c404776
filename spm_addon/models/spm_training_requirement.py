from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import access


class SpmTrainingRequirement(models.Model):
    """A required training (必修课): every member who joins the team from the start date on takes
    the course within so many days of joining."""

    _name = "spm.training.requirement"
    _description = "Required Training"
    _check_company_auto = True
    _order = "team_id, course_id, id"

    name = fields.Char(compute="_compute_name")
    active = fields.Boolean(default=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True, check_company=True)
    course_id = fields.Many2one("spm.training.course", required=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    days = fields.Integer(string="Within (days)", required=True, default=60)
    date_start = fields.Date(
        string="For Members Joining From",
        required=True,
        default=fields.Date.context_today,
        help="Members who joined the team before this date are not enrolled.",
    )

    @api.depends("team_id", "course_id", "days")
    def _compute_name(self):
        for requirement in self:
            requirement.name = self.env._(
                "%(course)s within %(days)s days of joining %(team)s",
                course=requirement.course_id.name,
                days=requirement.days,
                team=requirement.team_id.name,
            )

    @api.constrains("days")
    def _check_days(self):
        for requirement in self:
            if requirement.days < 1:
                raise ValidationError(
                    self.env._(
                        "A required training is due at least 1 day after joining, not %(days)s.",
                        days=requirement.days,
                    )
                )

    def action_apply(self):
        """Enrol now the members who should take the course (administrators; the scheduler does it daily)."""
        access.require(self.env, "admin", self.env._("Only an administrator applies required trainings."))
        self.check_access("read")
        self.sudo()._apply()
        return True

    def _apply(self):
        """Server code: enrol each member who joined the team on or after the start date and has neither
        an open enrolment nor a valid completion of the course, due ``days`` after joining. Returns
        the enrolments created."""
        Enrolment = self.env["spm.training.enrolment"].sudo()
        today = fields.Date.context_today(self)
        vals_list = []
        planned = set()  # (user, course): two teams requiring the same course enrol once
        for requirement in self:
            members = self.env["crm.team.member"].search(
                [("crm_team_id", "=", requirement.team_id.id), ("create_date", ">=", requirement.date_start)]
            )
            taken = Enrolment.search(
                [
                    ("course_id", "=", requirement.course_id.id),
                    ("user_id", "in", members.user_id.ids),
                    "|", ("state", "=", "enrolled"),
                    "&", ("state", "=", "done"), "|", ("expiry_date", "=", False), ("expiry_date", ">=", today),
                ]
            ).user_id  # fmt: skip
            for member in members:
                key = (member.user_id.id, requirement.course_id.id)
                if member.user_id in taken or key in planned:
                    continue
                planned.add(key)
                joined = member.create_date.date()
                vals_list.append(
                    {
                        "user_id": member.user_id.id,
                        "course_id": requirement.course_id.id,
                        "requirement_id": requirement.id,
                        "team_id": requirement.team_id.id,
                        "date_enrolled": joined,
                        "due_date": joined + timedelta(days=requirement.days),
                    }
                )
        return Enrolment.create(vals_list)

    @api.model
    def _cron_apply(self):
        self.search([])._apply()
