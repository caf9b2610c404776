from datetime import date

from odoo import fields
from odoo.tests import HttpCase, tagged

from .payout_common import PayoutCommon


@tagged("post_install", "-at_install")
class TestOverviewPhoneTour(HttpCase, PayoutCommon):
    """On a 390-px phone, each role's answers on the overview are in view, without sideways scrolling."""

    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env["spm.overview"])
        # a plan paying the teams from January 2026 to the end of this year (the browser runs today), and
        # its computed January 2026 run
        cls.plan = cls._commission_plan(flat_rate=10.0, date_to=date(max(today.year, 2026), 12, 31))
        cls.plan.action_activate()
        cls._order(cls.rep1, 50_000, date(2026, 1, 10))
        cls._run(cls.plan, name="January Phone")

    def test_salesperson_reads_the_estimate(self):
        self.start_tour("/odoo/action-spm_addon.spm_overview_action", "spm_phone_overview_estimate_tour", login="rep1")

    def test_finance_reads_the_runs_waiting(self):
        self.start_tour(
            "/odoo/action-spm_addon.spm_overview_action", "spm_phone_overview_finance_tour", login="finance"
        )

    def test_administrator_reads_the_setup(self):
        self.start_tour(
            "/odoo/action-spm_addon.spm_overview_action", "spm_phone_overview_setup_tour", login="spm_admin"
        )
