from collections import defaultdict

from odoo import api, fields, models

from ..tools import access, bulk, ratios
from . import spm_job_mixin

# people per batch of the background job
REFRESH_JOB_BATCH = 2000
# the columns of the rows, written in bulk (through the ORM in batches when an admin configured the model)
COLUMNS = [
    "id", "user_id", "employee_id", "team_id", "manager_user_id", "company_id", "current_level_id", "level_id",
    "criterion_id", "value", "required", "detail", "is_met", "is_ready", "date", "met_count", "row_count",
    "met_share", "person_weight", "ready_weight", "ready_share",
]  # fmt: skip


class SpmCareerReadiness(models.Model):
    """One person x one criterion of their next career level: the figure, what is required and
    whether it is met. Written by the server (daily, or the Compute button); a pivot of people x
    criteria shows the share met, and per team the share of people ready (all criteria met)."""

    _name = "spm.career.readiness"
    _description = "Career Readiness"
    _check_company_auto = True
    _order = "user_id, level_id, criterion_id"
    _rec_name = "criterion_id"
    # a group's share of criteria met, and its share of people ready: each person weighs 1 in total
    _GROUP_RATIOS = {
        "met_share": ("met_count", "row_count", 100.0),
        "ready_share": ("ready_weight", "person_weight", 100.0),
    }

    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True, readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, readonly=True)
    manager_user_id = fields.Many2one("res.users", string="Manager", index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    current_level_id = fields.Many2one("spm.career.level", string="Current Level", readonly=True)
    level_id = fields.Many2one(
        "spm.career.level", string="Next Level", required=True, ondelete="cascade", readonly=True
    )
    criterion_id = fields.Many2one("spm.career.criterion", required=True, ondelete="cascade", readonly=True)
    kind = fields.Selection(related="criterion_id.kind")
    value = fields.Float(readonly=True, digits=(16, 1), aggregator="sum")
    required = fields.Float(readonly=True, digits=(16, 1), aggregator="sum")
    detail = fields.Char(string="Figures", readonly=True)
    is_met = fields.Boolean(string="Met", readonly=True)
    is_ready = fields.Boolean(string="Person Ready", readonly=True, help="All criteria of the next level are met.")
    date = fields.Date(string="Computed On", readonly=True)
    # floats: the ratio of their sums is not an integer division
    met_count = fields.Float(string="Criteria Met", readonly=True, digits=(16, 0))
    row_count = fields.Float(string="Criteria", readonly=True, digits=(16, 0))
    person_weight = fields.Float(string="People", readonly=True, digits=(16, 2))
    ready_weight = fields.Float(string="People Ready", readonly=True, digits=(16, 2))
    met_share = fields.Float(string="Criteria Met (%)", readonly=True, aggregator="avg", digits=(16, 1))
    ready_share = fields.Float(string="Ready (%)", readonly=True, aggregator="avg", digits=(16, 1))

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        return ratios.select(self, self._GROUP_RATIOS, aggregate_spec, query) or super()._read_group_select(
            aggregate_spec, query
        )

    @api.model
    def action_refresh(self):
        """Recompute now: a manager for the people of their teams, an administrator for everyone. Over
        more people than a web request serves in time, it runs as a background job per company."""
        access.require(self.env, "manager", self.env._("Only a manager computes career readiness."))
        Employee = self.env["hr.employee"].sudo()
        employees = Employee.search(self._refresh_domain(self.env.user, self.env.companies))
        if len(employees) > spm_job_mixin.BACKGROUND_ABOVE:
            Job = self.env["spm.job"].sudo()
            jobs = Job.browse()
            for company in employees.company_id:
                jobs |= Job._queue(
                    company,
                    self.env._("Career readiness of %(company)s", company=company.name),
                    "_spm_job_refresh_readiness",
                    Employee.search_count(self._refresh_domain(self.env.user, company)),
                )
            message = self.env._(
                "Career readiness of %(count)s people is computed in the background: you are notified "
                "when it ends (also under Configuration > Background Jobs).",
                count=len(employees),
            )
            return spm_job_mixin._notification(jobs[0].name, message)
        self.sudo()._refresh(employees)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _refresh_domain(self, user, companies):
        """Employees whose readiness ``user`` computes in ``companies``: everyone's for an
        administrator, their teams' for a manager."""
        domain = [("user_id", "!=", False), ("company_id", "in", companies.ids)]
        if not user.has_group(access.GROUPS["admin"]):
            teams = self.env["crm.team"].sudo().search([("user_id", "=", user.id)])
            domain += ["|", ("parent_id.user_id", "=", user.id), ("user_id.sale_team_id", "in", teams.ids)]
        return domain

    @api.model
    def _job_refresh(self, job, company):
        """One batch of the background refresh of ``company`` (the job's document): the next
        REFRESH_JOB_BATCH people of whoever queued it, in the order of their ids."""
        employees = self.env["hr.employee"].sudo().search(self._refresh_domain(job.user_id, company), order="id")
        batch = employees[job.done : job.done + REFRESH_JOB_BATCH]
        self.sudo()._refresh(batch)
        return job.done + len(batch), len(employees)

    @api.model
    def _cron_refresh(self):
        self._refresh(self.env["hr.employee"].sudo().search([("user_id", "!=", False)]))

    @api.model
    def _refresh(self, employees, today=None):
        """Server code: replace the readiness rows of ``employees`` by one row per criterion of each
        one's next level. The criteria are evaluated together for everyone aiming at them (one
        query per kind of criterion, per KPI), the rows written in bulk (tools.bulk: COPY, or the ORM
        in batches of 1,000 when an admin configured something COPY would skip)."""
        today = today or fields.Date.context_today(self)
        employees = employees.filtered("user_id")
        self.sudo().search([("employee_id", "in", employees.ids)]).unlink()
        # the next level of each (current level, company): the same for everyone sharing them
        keys = {(employee.spm_career_level_id, employee.company_id) for employee in employees}
        next_of = self.env["spm.career.level"].sudo()._next_of({key: key for key in keys}, employees.company_id)
        aiming = defaultdict(list)  # level: [employee]
        for employee in employees:
            level = next_of.get((employee.spm_career_level_id, employee.company_id))
            if level:
                aiming[level].append(employee)
        criteria = self.env["spm.career.criterion"].union(*(level.criterion_ids for level in aiming))
        users_of = {
            criterion.id: [employee.user_id.id for employee in aiming[criterion.level_id]] for criterion in criteria
        }
        # the figures' words in the language of the person they are about (their manager reads the same row)
        lang_of = {employee.user_id.id: employee.user_id.lang or self.env.lang for employee in employees}
        figures = defaultdict(dict)
        for lang in sorted(set(lang_of.values())):
            users_in = {key: [user_id for user_id in ids if lang_of[user_id] == lang] for key, ids in users_of.items()}
            spoken = criteria.filtered(lambda criterion, users_in=users_in: users_in[criterion.id])
            for criterion_id, by_user in spoken.with_context(lang=lang)._evaluate(users_in, today).items():
                figures[criterion_id].update(by_user)
        rows = []
        for level, people in aiming.items():
            for employee in people:
                user = employee.user_id
                figures_of = [(criterion, *figures[criterion.id][user.id]) for criterion in level.criterion_ids]
                ready = all(value >= required for _criterion, value, required, _detail in figures_of)
                weight = 1.0 / len(figures_of) if figures_of else 0.0
                team = user.sale_team_id
                manager = (employee.parent_id.user_id or team.user_id).id or None
                for criterion, value, required, detail in figures_of:
                    met = value >= required
                    rows.append(
                        (user.id, employee.id, team.id or None, manager, employee.company_id.id,
                         employee.spm_career_level_id.id or None, level.id, criterion.id, value, required, detail,
                         met, ready, today, 1.0 if met else 0.0, 1.0, 100.0 if met else 0.0, weight,
                         weight if ready else 0.0, 100.0 if ready else 0.0)
                    )  # fmt: skip
        ids = bulk.reserve_ids(self.env.cr, self._table, len(rows))
        created = bulk.insert(self.sudo(), COLUMNS, [(id_, *row) for id_, row in zip(ids, rows, strict=True)])
        return self.sudo().browse(created[id_] for id_ in ids)
