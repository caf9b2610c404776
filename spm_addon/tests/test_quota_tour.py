from datetime import date

from odoo.tests import HttpCase, tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestQuotaTour(HttpCase, SpmCommon):
    """The main quota flows in a real browser: an administrator allocates and activates a plan;
    a salesperson follows their target on the My Targets kanban and drills down to the orders."""

    def test_admin_allocates_and_activates(self):
        self._plan(name="Tour Plan", allocation_method="equal", time_split="quarter")
        self.start_tour("/odoo", "spm_quota_plan_tour", login="admin")
        plan = self.env["spm.quota.plan"].search([("name", "=", "Tour Plan")])
        self.assertEqual(plan.state, "active")
        self.assertEqual(self._line(plan, level="team", team_id=self.team_a).target, 400_000)

    def test_salesperson_follows_my_targets(self):
        today = date.today()
        plan = self._plan(
            name="Rep Plan",
            allocation_method="equal",
            time_split="none",
            date_from=date(today.year, 1, 1),
            date_to=date(today.year, 12, 31),
        )
        plan.action_allocate()
        plan.action_activate()
        self._order(self.rep1, 36_000, date(today.year, 1, 2))
        plan._refresh_figures()
        self.start_tour("/odoo/action-spm_addon.spm_quota_line_action_my", "spm_my_targets_tour", login="rep1")
