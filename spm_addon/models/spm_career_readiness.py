from odoo import api, fields, models

from ..tools import access, ratios


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
        """Recompute now: a manager for the people of their teams, an administrator for everyone."""
        access.require(self.env, "manager", self.env._("Only a manager computes career readiness."))
        domain = [("user_id", "!=", False), ("company_id", "in", self.env.companies.ids)]
        if not access.has(self.env, "admin"):
            uid = self.env.uid
            teams = self.env["crm.team"].sudo().search([("user_id", "=", uid)])
            domain += ["|", ("parent_id.user_id", "=", uid), ("user_id.sale_team_id", "in", teams.ids)]
        self.sudo()._refresh(self.env["hr.employee"].sudo().search(domain))
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_refresh(self):
        self._refresh(self.env["hr.employee"].sudo().search([("user_id", "!=", False)]))

    @api.model
    def _refresh(self, employees, today=None):
        """Server code: replace the readiness rows of ``employees`` by one row per criterion of each
        one's next level. Each criterion is evaluated once for all the people aiming at its level."""
        today = today or fields.Date.context_today(self)
        employees = employees.filtered("user_id")
        self.sudo().search([("employee_id", "in", employees.ids)]).unlink()
        next_of = (
            self.env["spm.career.level"]
            .sudo()
            ._next_of(
                {employee.id: (employee.spm_career_level_id, employee.company_id) for employee in employees},
                employees.company_id,
            )
        )
        vals_list = []
        for level in self.env["spm.career.level"].union(*next_of.values()):
            aiming = employees.filtered(lambda employee, level=level: next_of.get(employee.id) == level)
            figures = {criterion: criterion._evaluate(aiming.user_id, today) for criterion in level.criterion_ids}
            for employee in aiming:
                user = employee.user_id
                rows = [(criterion, *figures[criterion][user.id]) for criterion in level.criterion_ids]
                ready = all(value >= required for _criterion, value, required, _detail in rows)
                weight = 1.0 / len(rows) if rows else 0.0
                team = user.sale_team_id
                for criterion, value, required, detail in rows:
                    met = value >= required
                    vals_list.append(
                        {
                            "user_id": user.id,
                            "employee_id": employee.id,
                            "team_id": team.id,
                            "manager_user_id": (employee.parent_id.user_id or team.user_id).id,
                            "company_id": employee.company_id.id,
                            "current_level_id": employee.spm_career_level_id.id,
                            "level_id": level.id,
                            "criterion_id": criterion.id,
                            "value": value,
                            "required": required,
                            "detail": detail,
                            "is_met": met,
                            "is_ready": ready,
                            "date": today,
                            "met_count": 1.0 if met else 0.0,
                            "row_count": 1.0,
                            "met_share": 100.0 if met else 0.0,
                            "person_weight": weight,
                            "ready_weight": weight if ready else 0.0,
                            "ready_share": 100.0 if ready else 0.0,
                        }
                    )
        return self.sudo().create(vals_list)
