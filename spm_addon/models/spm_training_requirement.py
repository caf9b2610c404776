from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import access


class SpmTrainingRequirement(models.Model):
    """A required training (必修课): every member who joins the team (or every employee who holds the
    job position) from the start date on takes the course within so many days of joining."""

    _name = "spm.training.requirement"
    _description = "Required Training"
    _check_company_auto = True
    _order = "scope, team_id, job_id, course_id, id"

    name = fields.Char(compute="_compute_name")
    active = fields.Boolean(default=True)
    scope = fields.Selection(
        [("team", "Sales Team"), ("job", "Job Position")], required=True, default="team", string="Required For"
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", check_company=True)
    job_id = fields.Many2one(
        "hr.job",
        string="Job Position",
        check_company=True,
        help="Employees holding this job position (on their employee form), from their employee record's creation.",
    )
    course_id = fields.Many2one("spm.training.course", required=True, ondelete="cascade", check_company=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    days = fields.Integer(string="Within (days)", required=True, default=60)
    date_start = fields.Date(
        string="For Members Joining From",
        required=True,
        default=fields.Date.context_today,
        help="Members who joined the team before this date are not enrolled.",
    )

    @api.depends("scope", "team_id", "job_id", "course_id", "days")
    def _compute_name(self):
        for requirement in self:
            if requirement.scope == "job":
                requirement.name = self.env._(
                    "%(course)s within %(days)s days for each %(job)s",
                    course=requirement.course_id.name,
                    days=requirement.days,
                    job=requirement.job_id.name,
                )
                continue
            requirement.name = self.env._(
                "%(course)s within %(days)s days of joining %(team)s",
                course=requirement.course_id.name,
                days=requirement.days,
                team=requirement.team_id.name,
            )

    @api.constrains("scope", "team_id", "job_id")
    def _check_scope(self):
        for requirement in self:
            if requirement.scope == "team" and not requirement.team_id:
                raise ValidationError(self.env._("A required training for a sales team needs its team."))
            if requirement.scope == "job" and not requirement.job_id:
                raise ValidationError(self.env._("A required training for a job position needs its job position."))

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
            joiners = requirement._joiners()  # [(user, date joined)]
            users = self.env["res.users"].union(*(user for user, _joined in joiners))
            taken = Enrolment.search(
                [
                    ("course_id", "=", requirement.course_id.id),
                    ("user_id", "in", users.ids),
                    "|", ("state", "=", "enrolled"),
                    "&", ("state", "=", "done"), "|", ("expiry_date", "=", False), ("expiry_date", ">=", today),
                ]
            ).user_id  # fmt: skip
            for user, joined in joiners:
                key = (user.id, requirement.course_id.id)
                if user in taken or key in planned:
                    continue
                planned.add(key)
                vals = {
                    "user_id": user.id,
                    "course_id": requirement.course_id.id,
                    "requirement_id": requirement.id,
                    "date_enrolled": joined,
                    "due_date": joined + timedelta(days=requirement.days),
                }
                if requirement.scope == "team":
                    vals["team_id"] = requirement.team_id.id
                vals_list.append(vals)
        return Enrolment.create(vals_list)

    def _joiners(self):
        """[(user, date joined)] of whom the requirement concerns: the team's members who joined on or
        after the start date, or the users of the employees of the job position created on or after it."""
        self.ensure_one()
        if self.scope == "job":
            employees = (
                self.env["hr.employee"]
                .sudo()
                .search(
                    [("job_id", "=", self.job_id.id), ("user_id", "!=", False),
                     ("company_id", "=", self.company_id.id), ("create_date", ">=", self.date_start)]
                )
            )  # fmt: skip
            return [(employee.user_id, employee.create_date.date()) for employee in employees]
        members = self.env["crm.team.member"].search(
            [("crm_team_id", "=", self.team_id.id), ("create_date", ">=", self.date_start)]
        )
        return [(member.user_id, member.create_date.date()) for member in members]

    @api.model
    def _cron_apply(self):
        self.search([])._apply()
