from datetime import date

from odoo.tests import tagged

from .payout_common import FEBRUARY, JANUARY, MARCH, PayoutCommon

# tiers on attainment (%): (lower, upper, rate %); upper 0 = no limit
PROGRESSIVE = [(0, 50, 2.0), (50, 100, 4.0), (100, 0, 6.0)]
RETROACTIVE = [(0, 100, 3.0), (100, 0, 5.0)]


@tagged("post_install", "-at_install")
class TestPayoutClawback(PayoutCommon):
    """One rule for documents that stop counting after a locked run paid them: the period they were
    paid in is reopened, the commission recomputed on the net credited total with the plan's tiers,
    gate and caps and the original target, and the difference clawed back on lines linked to the
    original lines. A credit note of an invoice no locked run paid nets in its own period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # invoiced revenue quotas of January and February: rep1 100,000 a month (as for confirmed sales)
        cls._monthly_quotas(cls.measure_invoiced, prefix="Invoiced ")

    def _paid_january(self, plan, *amounts):
        """rep1's January orders of ``amounts``, paid by a locked January run: (orders, run)."""
        orders = [self._order(self.rep1, amount, date(2026, 1, 10 + i)) for i, amount in enumerate(amounts)]
        january = self._run(plan, JANUARY)
        self._lock(january)
        return orders, january

    def _clawbacks(self, run):
        return self._statement(run, self.rep1).line_ids.filtered(lambda line: line.kind == "clawback")

    def _origin(self, run, document):
        return self._statement(run, self.rep1).line_ids.filtered(lambda line: line.res_id == document.id)

    def test_flat_rate(self):
        plan = self._commission_plan(flat_rate=5.0)
        (order,), january = self._paid_january(plan, 10_000)
        self.assertAlmostEqual(self._statement(january, self.rep1).commission, 500.0)  # 10,000 x 5 %
        order._action_cancel()
        clawback = self._clawbacks(self._run(plan, FEBRUARY))
        # January reopened: net 10,000 - 10,000 = 0 earns 0; 0 - 500 paid = -500
        self.assertEqual((clawback.amount, clawback.res_id), (-500.0, order.id))
        self.assertEqual(clawback.origin_line_id, self._origin(january, order))
        usd = f"{self.currency.symbol}\N{NO-BREAK SPACE}"
        self.assertEqual(
            clawback.rule,
            f"Clawback: reverses {order.name}. January recomputed on {usd}0.00 credited: {usd}0.00 instead of "
            f"{usd}500.00 paid",
        )

    def test_progressive_tiers(self):
        plan = self._commission_plan(tiers=PROGRESSIVE)
        (order_a, order_b), january = self._paid_january(plan, 70_000, 50_000)
        # 120,000 against 100,000: 50,000 x 2 % + 50,000 x 4 % + 20,000 x 6 % = 1,000 + 2,000 + 1,200 = 4,200
        self.assertAlmostEqual(self._statement(january, self.rep1).commission, 4_200.0)
        order_b._action_cancel()
        february = self._run(plan, FEBRUARY)
        clawback = self._clawbacks(february)
        # net 70,000 (70 %): 50,000 x 2 % + 20,000 x 4 % = 1,000 + 800 = 1,800; 1,800 - 4,200 = -2,400
        # (B's pro-rata share of January would be 4,200 x 50/120 = 1,750: not the rule)
        self.assertEqual(clawback.amount, -2_400.0)
        self.assertEqual(clawback.credited_amount, -50_000.0)
        self.assertEqual(clawback.origin_line_id, self._origin(january, order_b))
        # its explanation: the reopened period's commission, then how the plan computes it now (70 %:
        # 70,000 x 50/70 = 50,000 in the first tier, 20,000 in the second)
        usd = f"{self.currency.symbol}\N{NO-BREAK SPACE}"
        self.assertEqual(
            clawback.rule,
            f"Clawback: reverses {order_b.name}. January recomputed on {usd}70,000.00 credited: {usd}1,800.00 "
            f"instead of {usd}4,200.00 paid; 2 % on {usd}50,000.00, the part from 0 % to 50 % of target; "
            f"4 % on {usd}20,000.00, the part from 50 % to 100 % of target",
        )
        # a draft recomputed claws back once
        february.action_compute()
        self.assertEqual(self._clawbacks(february).amount, -2_400.0)
        self._lock(february)
        # A is cancelled in March: net 120,000 - 50,000 (clawed back, locked) - 70,000 = 0 earns 0;
        # paid 4,200 - 2,400 = 1,800, so -1,800; then nothing more
        order_a._action_cancel()
        march = self._run(plan, MARCH)
        clawback = self._clawbacks(march)
        self.assertEqual((clawback.amount, clawback.origin_line_id), (-1_800.0, self._origin(january, order_a)))
        self._lock(march)
        self.assertFalse(self._clawbacks(self._run(plan, (date(2026, 4, 1), date(2026, 4, 30)))))

    def test_progressive_tiers_two_documents_spread(self):
        plan = self._commission_plan(tiers=PROGRESSIVE)
        (_a, order_b, order_c), january = self._paid_january(plan, 70_000, 30_000, 20_000)
        self.assertAlmostEqual(self._statement(january, self.rep1).commission, 4_200.0)  # 120,000 as above
        order_b._action_cancel()
        order_c._action_cancel()
        clawbacks = self._clawbacks(self._run(plan, FEBRUARY))
        # net 70,000 earns 1,800: -2,400 spread 30,000 : 20,000 = -1,440 and -960
        self.assertEqual({line.res_id: line.amount for line in clawbacks}, {order_b.id: -1_440.0, order_c.id: -960.0})

    def test_retroactive_tiers_with_gate(self):
        plan = self._commission_plan(tiers=RETROACTIVE, rate_type="retroactive", gate=60)
        (_a, order_b), january = self._paid_january(plan, 70_000, 50_000)
        self.assertAlmostEqual(self._statement(january, self.rep1).commission, 6_000.0)  # 120,000 x 5 %
        order_b._action_cancel()
        # net 70,000: 70 % is above the 60 % gate, in the 3 % tier: 2,100; 2,100 - 6,000 = -3,900
        self.assertEqual(self._clawbacks(self._run(plan, FEBRUARY)).amount, -3_900.0)

    def test_attainment_cap(self):
        # capped at 110 %: January's 120,000 earns 110,000 on the tiers:
        # 50,000 x 2 % + 50,000 x 4 % + 10,000 x 6 % = 3,600
        plan = self._commission_plan(tiers=PROGRESSIVE, attainment_cap=110)
        (_a, order_b), january = self._paid_january(plan, 70_000, 50_000)
        self.assertAlmostEqual(self._statement(january, self.rep1).commission, 3_600.0)
        order_b._action_cancel()
        # net 70,000 earns 1,800: 1,800 - 3,600 = -1,800
        self.assertEqual(self._clawbacks(self._run(plan, FEBRUARY)).amount, -1_800.0)

    def test_refund_of_a_paid_invoice(self):
        plan = self._commission_plan(measure_id=self.measure_invoiced.id, tiers=RETROACTIVE, rate_type="retroactive")
        invoice = self._invoice(self.rep1, 120_000, date(2026, 1, 20))
        january = self._run(plan, JANUARY)
        self.assertAlmostEqual(self._statement(january, self.rep1).commission, 6_000.0)  # 120,000 x 5 %
        self._lock(january)
        # a credit note of 20,000 on February 5, and 30,000 of new February invoices
        self.env["account.move.reversal"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"date": date(2026, 2, 5), "journal_id": invoice.journal_id.id, "reason": "Partly returned"}
        ).reverse_moves()
        refund = invoice.reversal_move_ids
        refund.invoice_line_ids.price_unit = 20_000
        refund.action_post()
        self._invoice(self.rep1, 30_000, date(2026, 2, 10))
        february = self._statement(self._run(plan, FEBRUARY), self.rep1)
        # February's own sales without the refund: 30,000 (30 %) x 3 % = 900
        self.assertEqual((february.credited_amount, february.commission), (30_000, 900))
        # January reopened: net 120,000 - 20,000 = 100,000 (100 %) x 5 % = 5,000; 5,000 - 6,000 = -1,000
        clawback = february.line_ids.filtered(lambda line: line.kind == "clawback")
        self.assertEqual((clawback.amount, clawback.res_id, clawback.credited_amount), (-1_000.0, refund.id, -20_000))
        self.assertEqual(clawback.origin_line_id, self._origin(january, invoice))
        self.assertEqual(february.amount, 900 - 1_000)

    def test_refund_of_an_unpaid_invoice_nets_in_its_period(self):
        plan = self._commission_plan(measure_id=self.measure_invoiced.id, tiers=RETROACTIVE, rate_type="retroactive")
        invoice = self._invoice(self.rep1, 120_000, date(2026, 1, 20))
        self.env["account.move.reversal"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"date": date(2026, 1, 25), "journal_id": invoice.journal_id.id, "reason": "Partly returned"}
        ).reverse_moves()
        refund = invoice.reversal_move_ids
        refund.invoice_line_ids.price_unit = 20_000
        refund.action_post()
        statement = self._statement(self._run(plan, JANUARY), self.rep1)
        # 120,000 - 20,000 = 100,000 (100 %) x 5 % = 5,000, no clawback
        self.assertEqual((statement.credited_amount, statement.commission, statement.amount), (100_000, 5_000, 5_000))
        self.assertFalse(statement.line_ids.filtered(lambda line: line.kind == "clawback"))
