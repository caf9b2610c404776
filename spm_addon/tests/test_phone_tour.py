from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

from .payout_common import PayoutCommon


@tagged("post_install", "-at_install")
class TestPhoneTour(HttpCase, PayoutCommon):
    """On a 390-px phone, the lists inside forms read as cards: nothing the user reads or acts on
    needs sideways scrolling (each tour checks the page's width and the card's fields in view)."""

    browser_size = "390x844"
    touch_enabled = True

    def _january_run(self):
        self._order(self.rep1, 50_000, date(2026, 1, 10))
        self._order(self.rep2, 30_000, date(2026, 1, 12))
        return self._run(self._commission_plan(flat_rate=10.0), name="January Phone")

    def test_salesperson_disputes_a_line(self):
        statement = self._statement(self._january_run(), self.rep1)
        url = f"/odoo/action-spm_addon.spm_payout_statement_action_my/{statement.id}"
        self.start_tour(url, "spm_phone_dispute_tour", login="rep1")
        dispute = self.env["spm.payout.dispute"].search([("line_id", "in", statement.line_ids.ids)])
        self.assertEqual(dispute.comment, "The order was shared with Rep 2.")
        self.assertEqual((dispute.user_id, dispute.state), (self.rep1, "open"))

    def test_manager_reads_the_disputes(self):
        statement = self._statement(self._january_run(), self.rep1)
        self.env["spm.payout.dispute"].with_user(self.rep1).create(
            {"line_id": statement.line_ids[0].id, "comment": "The order was shared with Rep 2."}
        )
        self.start_tour(
            "/odoo/action-spm_addon.spm_payout_dispute_action", "spm_phone_disputes_tour", login="manager_a"
        )

    def test_manager_reads_the_run(self):
        run = self._january_run()
        url = f"/odoo/action-spm_addon.spm_payout_run_action/{run.id}"
        self.start_tour(url, "spm_phone_run_tour", login="manager_a")

    def test_salesperson_reads_the_quarterly_split(self):
        # 2027: the monthly plans of 2026 measure the same teams
        plan = self._plan(
            name="Phone Plan",
            allocation_method="equal",
            time_split="quarter",
            date_from=date(2027, 1, 1),
            date_to=date(2027, 12, 31),
        )
        plan.action_allocate()
        plan.action_activate()
        line = self._line(plan, level="user", user_id=self.rep1)
        self.assertTrue(line.child_ids)
        self.start_tour(
            f"/odoo/action-spm_addon.spm_quota_line_action_my/{line.id}", "spm_phone_split_tour", login="rep1"
        )

    def test_salesperson_reads_the_forecast(self):
        today = date.today()
        month = today.replace(day=1)
        for k in (1, 2, 3):  # 1,000 in each of the last 3 months: run rate 1,000
            self._order(self.rep1, 1000, month - relativedelta(months=k) + relativedelta(day=10))
        plan = self._plan(
            name="Forecast Plan",
            team_ids=[Command.set(self.team_a.ids)],
            allocation_method="manual",
            date_from=month,
            date_to=month + relativedelta(months=3, days=-1),
        )
        Line = self.env["spm.quota.line"]
        vals = {"plan_id": plan.id, "date_from": plan.date_from, "date_to": plan.date_to, "target": 6000}
        root = Line.create({**vals, "level": "company"})
        team = Line.create({**vals, "parent_id": root.id, "level": "team", "team_id": self.team_a.id})
        leaf = Line.create(
            {**vals, "parent_id": team.id, "level": "user", "team_id": self.team_a.id, "user_id": self.rep1.id}
        )
        Line.create(
            [
                {"plan_id": plan.id, "parent_id": leaf.id, "level": "period", "period_type": "month",
                 "team_id": self.team_a.id, "user_id": self.rep1.id, "target": 2000,
                 "date_from": month + relativedelta(months=k), "date_to": month + relativedelta(months=k + 1, days=-1)}
                for k in range(3)
            ]
        )  # fmt: skip
        plan.action_activate()
        Forecast = self.env["spm.forecast"]
        Forecast._compute_company(self.company)
        # rep1, team A and the company, 3 months each (the company's other salespeople have theirs too)
        for owner in (("user_id", "=", self.rep1.id), ("team_id", "=", self.team_a.id), ("scope", "=", "company")):
            scope = ("scope", "=", {"user_id": "user", "team_id": "team"}.get(owner[0], "company"))
            self.assertEqual(Forecast.search_count([("company_id", "=", self.company.id), scope, owner]), 3, owner)
        self.start_tour("/odoo/action-spm_addon.spm_overview_action", "spm_phone_forecast_tour", login="rep1")
