from datetime import date
from itertools import product

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .payout_common import JANUARY, PayoutCommon

PROGRESSIVE = [(0, 100, 5.0), (100, 120, 8.0), (120, 0, 12.0)]
AMOUNT_TIERS = [(0, 50_000, 2.0), (50_000, 0, 4.0)]


@tagged("post_install", "-at_install")
class TestPayoutSimulate(PayoutCommon):
    """What-If is the run's calculation on a what-if input: same period quota, every plan setting;
    each user simulates only for the salespeople they may see, and sees only their own simulations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # January: rep1 130,000 (130 %), rep2 45,000 (45 %), rep3 100,000 (100 %), rep4 80,000 (80 %),
        # rep5 260,000 (130 % of 200,000)
        for rep, amount in zip(cls.reps, (130_000, 45_000, 100_000, 80_000, 260_000), strict=True):
            cls._order(rep, amount, date(2026, 1, 12))
        cls._order(cls.rep1, 70_000, date(2026, 2, 12))  # February: outside the run and the what-if

    def _simulate(self, plan, user, credited, **vals):
        return self.env["spm.payout.simulate"].create(
            {"plan_id": plan.id, "user_id": user.id, "date_from": JANUARY[0], "date_to": JANUARY[1],
             "credited_amount": credited, **vals}
        )  # fmt: skip

    def test_what_if_equals_the_run(self):
        """Generated plans: every rate type, with and without gate, cap and attainment cap, tiers on
        attainment or amounts; for each salesperson, What-If on the statement's credited amount
        projects exactly the statement's commission, against the same target."""
        variants = [
            ({"flat_rate": 5.0} if rate_type == "flat" else {"tiers": PROGRESSIVE, "rate_type": rate_type})
            | {"gate": gate, "cap_amount": cap, "attainment_cap": attainment_cap}
            for rate_type, gate, cap, attainment_cap in product(
                ("flat", "progressive", "retroactive"), (0, 90), (0, 7_000), (0, 110)
            )
        ]
        variants += [
            {"tiers": AMOUNT_TIERS, "tier_basis": "amount", "attainment_cap": 120},
            {"tiers": AMOUNT_TIERS, "tier_basis": "amount", "rate_type": "retroactive", "gate": 50_000},
        ]
        for i, variant in enumerate(variants):
            with self.subTest(variant=variant):
                plan = self._commission_plan(name=f"Variant {i}", **variant)
                run = self._run(plan, JANUARY)
                self.assertEqual(len(run.statement_ids), 5)
                for statement in run.statement_ids:
                    what_if = self._simulate(plan, statement.user_id, statement.credited_amount)
                    self.assertEqual(what_if.target, statement.target)
                    self.assertAlmostEqual(what_if.projected_amount, statement.commission, places=2)
                    self.assertAlmostEqual(what_if.attainment, statement.attainment, places=1)
                    self.assertEqual(what_if.detail, statement.rule)
                self.assertTrue(any(run.statement_ids.mapped("commission")))

    def test_hand_computed_projection(self):
        # rep1's January target is 100,000; 130,000 with the attainment capped at 110 %:
        # 110,000 on the tiers = 100,000 x 5 % + 10,000 x 8 % = 5,800
        plan = self._commission_plan(tiers=PROGRESSIVE, attainment_cap=110)
        what_if = self._simulate(plan, self.rep1, 130_000)
        self.assertEqual(what_if.target, 100_000)  # January's quota, not the year's (January + February)
        self.assertAlmostEqual(what_if.projected_amount, 5_800.0)
        usd = f"{self.currency.symbol}\N{NO-BREAK SPACE}"
        self.assertEqual(
            what_if.detail,
            f"5 % on {usd}100,000.00, the part from 0 % to 100 % of target; 8 % on {usd}10,000.00, the part "
            "from 100 % to 120 % of target; attainment capped at 110 %",
        )
        # without the cap: 100,000 x 5 % + 20,000 x 8 % + 10,000 x 12 % = 7,800; rates 10 % higher: 8,580
        what_if.attainment_cap = 0
        self.assertAlmostEqual(what_if.projected_amount, 7_800.0)
        what_if.rate_multiplier = 1.1
        self.assertAlmostEqual(what_if.projected_amount, 8_580.0)
        what_if.rate_type = "retroactive"
        self.assertAlmostEqual(what_if.projected_amount, 17_160.0)  # 130,000 x 13.2 %
        self.assertEqual((plan.rate_type, plan.attainment_cap), ("progressive", 110))  # the plan is untouched
        self.assertFalse(self.env["spm.payout.run"].search([("plan_id", "=", plan.id)]))

    @freeze_time("2026-01-20")
    def test_defaults_for_the_salesperson(self):
        draft = self._commission_plan(tiers=PROGRESSIVE)
        self.assertFalse(Form(self.env["spm.payout.simulate"].with_user(self.rep1)).plan_id, "no active plan yet")
        plan = self._commission_plan(tiers=PROGRESSIVE, name="Running")
        plan.action_activate()
        self.assertFalse(Form(self.env["spm.payout.simulate"].with_user(self.finance)).plan_id, "not paid by it")
        form = Form(self.env["spm.payout.simulate"].with_user(self.rep1))
        # the active plan that pays the user, the current month inside it, the current user, what they
        # credited so far
        self.assertEqual(form.plan_id, plan)
        self.assertNotEqual(form.plan_id, draft)
        self.assertEqual((form.date_from, form.date_to), JANUARY)
        self.assertEqual(form.user_id, self.rep1)
        self.assertEqual((form.target, form.credited_amount), (100_000, 130_000))
        self.assertAlmostEqual(form.projected_amount, 7_800.0)
        what_if = form.save()
        self.assertEqual(what_if.create_uid, self.rep1)

    def test_who_simulates_whom(self):
        plan = self._commission_plan(tiers=PROGRESSIVE)
        Simulate = self.env["spm.payout.simulate"]
        own = Simulate.with_user(self.rep1).create({"plan_id": plan.id, "user_id": self.rep1.id})
        # a salesperson: only themselves; a colleague's quota is never read, not even in the form
        with self.assertRaises(ValidationError):
            Simulate.with_user(self.rep1).create({"plan_id": plan.id, "user_id": self.rep2.id})
        with self.assertRaises(ValidationError):
            own.with_user(self.rep1).user_id = self.rep2
        form = Form(Simulate.with_user(self.rep1))
        form.plan_id = plan
        form.date_from, form.date_to = JANUARY
        form.user_id = self.rep2
        self.assertEqual((form.target, form.projected_amount), (0, 0))
        # a manager: themselves and the members of the teams they lead
        for rep in (self.rep1, self.rep2, self.manager_a):
            Simulate.with_user(self.manager_a).create({"plan_id": plan.id, "user_id": rep.id})
        with self.assertRaises(ValidationError):
            Simulate.with_user(self.manager_a).create({"plan_id": plan.id, "user_id": self.rep3.id})
        # finance and administrators: anyone
        for user in (self.finance, self.spm_admin):
            Simulate.with_user(user).create({"plan_id": plan.id, "user_id": self.rep3.id})
        # everyone sees their own simulations only
        self.assertEqual(Simulate.with_user(self.rep1).search([]), own)
        self.assertFalse(Simulate.with_user(self.rep2).search([]))
        with self.assertRaises(AccessError):
            own.with_user(self.rep2).read(["target"])
        with self.assertRaises(AccessError):
            own.with_user(self.rep2).write({"credited_amount": 1})
        self.assertEqual(len(Simulate.with_user(self.manager_a).search([])), 3)
