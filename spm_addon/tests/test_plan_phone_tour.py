from datetime import date

from odoo import Command
from odoo.tests import HttpCase, tagged

from .payout_common import PayoutCommon


@tagged("post_install", "-at_install")
class TestPlanPhoneTour(HttpCase, PayoutCommon):
    """On a 390-px phone: a commission plan's tiers and a quota plan's teams and salespeople read as
    cards, every tab of the plan is on the screen, the cascade opens from a button in view, and a
    figure with its unit (a rate, an attainment, a weight in %) stays on one line on the cards of
    statements and appraisals. Each tour checks that nothing scrolls sideways."""

    browser_size = "390x844"
    touch_enabled = True

    def test_admin_edits_the_tiers(self):
        plan = self._commission_plan(tiers=((0, 80, 2.5), (80, 100, 4.0), (100, 0, 6.25)))
        plan.write(
            {
                "spif_ids": [
                    Command.create(
                        {
                            "name": "Spring push on widgets",
                            "product_ids": [Command.set(self.product.ids)],
                            "date_from": date(2026, 3, 1),
                            "date_to": date(2026, 5, 31),
                            "basis": "unit",
                            "amount": 12_500.0,
                        }
                    )
                ],
                "grade_bonus_ids": [Command.create({"grade": "S", "amount": 5000.0})],
            }
        )
        self.assertEqual(plan.tier_ids.mapped("range_text"), ["0 % to 80 %", "80 % to 100 %", "100 % and above"])
        self.start_tour(
            f"/odoo/action-spm_addon.spm_incentive_plan_action/{plan.id}", "spm_phone_tiers_tour", login="spm_admin"
        )
        # the top tier's rate typed on the phone, the others unchanged
        self.assertEqual(plan.tier_ids.mapped("rate"), [2.5, 4.0, 7.5])

    def test_manager_reads_the_quota_plan_and_its_cascade(self):
        # the January plan of PayoutCommon: 100,000 for each of rep1 and rep2, 200,000 for team A
        plan = self.env["spm.quota.plan"].search([("name", "=", "January")])
        self._order(self.rep1, 25_000, date(2026, 1, 10))
        plan.action_refresh()
        # rep1: 25,000 / 100,000 = 25.0 %; team A: 25,000 / 200,000 = 12.5 %
        self.assertEqual(self._line(plan, level="user", user_id=self.rep1).attainment, 25.0)
        self.assertEqual(self._line(plan, level="team", team_id=self.team_a).attainment, 12.5)
        self.start_tour(
            f"/odoo/action-spm_addon.spm_quota_plan_action/{plan.id}", "spm_phone_quota_plan_tour", login="manager_a"
        )

    def test_salesperson_reads_the_statement_cards(self):
        self._order(self.rep1, 1_234_567, date(2026, 1, 10))
        run = self._run(self._commission_plan(flat_rate=10.0), name="January Phone")
        statement = self._statement(run, self.rep1)
        # 1,234,567 over the January quota of 100,000 = 1,234.567 %, stored to 1,234.6 %; paid 10 % of it = 123,456.70
        self.assertEqual(statement.attainment, 1234.6)
        self.assertAlmostEqual(statement.amount, 123_456.70, places=2)
        self.start_tour(
            "/odoo/action-spm_addon.spm_payout_statement_action_my", "spm_phone_statement_cards_tour", login="rep1"
        )

    def test_salesperson_reads_the_appraisal_cards(self):
        self.env["hr.employee"].create({"name": "Rep 1", "user_id": self.rep1.id})
        self._order(self.rep1, 50_000, date(2026, 1, 10))
        campaign = self.env["spm.appraisal.campaign"].create(
            {
                "name": "Phone Q1",
                "template_id": self.env.ref("spm_addon.spm_appraisal_template_sales").id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 3, 31),
                "team_ids": [Command.set(self.team_a.ids)],
            }
        )
        campaign.action_start()
        appraisal = campaign.appraisal_ids.filtered(lambda appraisal: appraisal.user_id == self.rep1)
        revenue = appraisal.line_ids.filtered(lambda line: line.label == "Revenue attainment")
        # 50,000 over the quotas of January and February (100,000 each) = 25.0 %, weighing 40 %
        self.assertEqual((revenue.attainment, revenue.weight), (25.0, 40.0))
        url = f"/odoo/action-spm_addon.spm_appraisal_action_my/{appraisal.id}"
        self.start_tour(url, "spm_phone_appraisal_cards_tour", login="rep1")
