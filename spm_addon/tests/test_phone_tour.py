from datetime import date

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
