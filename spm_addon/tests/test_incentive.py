import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SpmCommon

TIERS = [(0, 100, 5.0), (100, 120, 8.0), (120, 0, 12.0)]


@tagged("post_install", "-at_install")
class TestIncentive(SpmCommon):
    """Commission plans and payout runs: tiers, gate, cap, traceable lines, clawbacks, locking."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # quota: 600,000 equally over three teams, two reps in team A: rep1's 2026 quota is 100,000
        cls.quota = cls._plan(target_amount=600_000, allocation_method="equal", time_split="none")
        cls.quota.action_allocate()
        cls.quota.action_activate()

    def _commission_plan(self, **vals):
        return self.env["spm.incentive.plan"].create(
            {
                "name": "2026 Commission",
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
                "measure_id": self.measure_sales.id,
                "user_ids": [Command.set([self.rep1.id, self.rep2.id])],
                "rate_type": "progressive",
                "tier_ids": [Command.create({"lower": lo, "upper": up, "rate": rate}) for lo, up, rate in TIERS],
                **vals,
            }
        )

    def _run(self, plan, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), name="2026"):
        run = self.env["spm.payout.run"].create(
            {"name": name, "plan_id": plan.id, "date_from": date_from, "date_to": date_to}
        )
        run.action_compute()
        return run

    def _statement(self, run, user):
        return run.statement_ids.filtered(lambda s: s.user_id == user)

    def test_progressive_and_retroactive_worked_example(self):
        big = self._order(self.rep1, 100_000, date(2026, 3, 1))
        small = self._order(self.rep1, 30_000, date(2026, 6, 1))
        plan = self._commission_plan()
        run = self._run(plan)
        statement = self._statement(run, self.rep1)
        # 130,000 against 100,000 = 130 %: 100,000 x 5 % + 20,000 x 8 % + 10,000 x 12 % = 7,800
        self.assertEqual((statement.credited_amount, statement.target), (130_000, 100_000))
        self.assertAlmostEqual(statement.attainment, 130.0)
        self.assertAlmostEqual(statement.commission, 7_800.0)
        self.assertAlmostEqual(statement.amount, 7_800.0)
        # each order carries its share: 7,800 x 100/130 = 6,000 and 7,800 x 30/130 = 1,800
        by_doc = {line.res_id: line for line in statement.line_ids}
        self.assertEqual(set(by_doc), {big.id, small.id})
        self.assertAlmostEqual(by_doc[big.id].amount, 6_000.0)
        self.assertAlmostEqual(by_doc[small.id].amount, 1_800.0)
        self.assertEqual(by_doc[big.id].res_model, "sale.order")
        # the statement explains the tiers (the 130 % position splits 130,000 into 100,000, 20,000 and
        # 10,000); each line only says its rate: 7,800 / 130,000 = 6 %
        usd = self.currency.symbol + "\N{NO-BREAK SPACE}"
        self.assertEqual(
            statement.rule,
            f"5 % on {usd}100,000.00, the part from 0 % to 100 % of target; "
            f"8 % on {usd}20,000.00, the part from 100 % to 120 % of target; "
            f"12 % on {usd}10,000.00, the part from 120 % of target",
        )
        self.assertEqual(by_doc[big.id].rule, "6 % commission")
        self.assertEqual(by_doc[small.id].action_open_document()["res_id"], small.id)
        # payroll xlsx: one row per salesperson, a detail sheet; the statement as a report
        book = openpyxl.load_workbook(io.BytesIO(run._export_xlsx()))
        payroll = {row[1]: row for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
        self.assertAlmostEqual(payroll["Rep 1"][8], 7_800.0)
        self.assertEqual(book.worksheets[1].max_row, 1 + 2)  # header + rep1's two orders
        html = self.env["ir.actions.report"]._render_qweb_html("spm_addon.spm_payout_statement_report", statement.ids)[
            0
        ]
        self.assertIn(big.name, html.decode())
        self.assertIn("7,800.00", html.decode())
        # recomputing a draft run is idempotent
        run.action_compute()
        self.assertEqual(len(run.statement_ids), 2)
        self.assertAlmostEqual(self._statement(run, self.rep1).amount, 7_800.0)
        # retroactive: the 120 %+ tier's 12 % on all 130,000 = 15,600
        run.unlink()
        plan.rate_type = "retroactive"
        self.assertAlmostEqual(self._statement(self._run(plan), self.rep1).amount, 15_600.0)

    def test_statement_printed_in_its_salespersons_language(self):
        """The PDF statement reads the language of the salesperson it is for, whoever prints it, and a
        company without a logo of its own prints no placeholder ("Your logo")."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self._order(self.rep1, 100_000, date(2026, 3, 1))
        self._order(self.rep2, 50_000, date(2026, 3, 1))
        run = self._run(self._commission_plan())
        self.rep1.lang = "zh_CN"
        self.rep2.lang = "en_US"
        self.assertTrue(run.company_id.uses_default_logo)

        def printed(user):
            statement = self._statement(run, user)
            return (
                self.env["ir.actions.report"]
                ._render_qweb_html("spm_addon.spm_payout_statement_report", statement.ids)[0]
                .decode()
            )

        chinese, english = printed(self.rep1), printed(self.rep2)
        self.assertIn("提成单", chinese)
        self.assertIn("<strong>销售员：</strong>", chinese)
        self.assertIn("应发金额", chinese)
        self.assertNotIn("Commission Statement", chinese)
        self.assertIn("Commission Statement", english)
        self.assertIn("<strong>Salesperson:</strong>", english)
        self.assertNotIn("提成单", english)
        default_logo = self.env["res.company"]._get_logo().decode()
        for html in (chinese, english):
            self.assertNotIn('alt="Logo"', html)
            self.assertNotIn(default_logo[:200], html)
        # a company with its own logo prints it
        run.company_id.logo = b"R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs="  # a 1-pixel GIF
        self.assertIn('alt="Logo"', printed(self.rep2))

    def test_gate_cap_and_foreign_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"name": "2026-01-01", "rate": 0.5, "currency_id": eur.id, "company_id": self.company.id}
        )
        self._order(self.rep1, 130_000, date(2026, 3, 1))
        # 45,000 EUR at 0.5 EUR per company unit = 90,000: 90 % of rep2's quota
        self._order(self.rep2, 45_000, date(2026, 3, 1), currency=eur)
        plan = self._commission_plan(gate=95, cap_amount=7_000)
        run = self._run(plan)
        rep1, rep2 = self._statement(run, self.rep1), self._statement(run, self.rep2)
        self.assertAlmostEqual(rep1.amount, 7_000.0)  # 7,800 capped at 7,000
        self.assertIn("capped", rep1.rule)
        self.assertAlmostEqual(rep2.credited_amount, 90_000.0)
        self.assertAlmostEqual(rep2.amount, 0.0)  # 90 % is below the 95 % gate
        self.assertIn("gate", rep2.rule)
        # capping the multiplier at 120 %: the credit above 120,000 earns nothing:
        # 120,000 on the tiers = 100,000 x 5 % + 20,000 x 8 % = 6,600
        run.unlink()
        plan.write({"gate": 0, "cap_amount": 0, "attainment_cap": 120})
        rep1 = self._statement(self._run(plan), self.rep1)
        self.assertAlmostEqual(rep1.amount, 6_600.0)
        self.assertIn("attainment capped", rep1.rule)

    def test_statement_figures_stored_rounded(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {"name": "2026-01-01", "rate": 3.0, "currency_id": eur.id, "company_id": self.company.id}
        )
        self._order(self.rep1, 1_000, date(2026, 3, 1), currency=eur)
        statement = self._statement(self._run(self._commission_plan()), self.rep1)
        # 1,000 EUR at 3 EUR per company unit = 333.333...: stored as 333.33 like any monetary field;
        # attainment 333.33 / 100,000 = 0.333 % stored to one decimal
        self.env.cr.execute(
            "SELECT credited_amount::text, attainment::text FROM spm_payout_statement WHERE id = %s", [statement.id]
        )
        self.assertEqual(self.env.cr.fetchone(), ("333.33", "0.3"))

    def test_clawback_after_cancellation_and_locking(self):
        order = self._order(self.rep1, 50_000, date(2026, 1, 10))
        plan = self._commission_plan(rate_type="flat", flat_rate=10.0, tier_ids=[])
        q1 = self._run(plan, date(2026, 1, 1), date(2026, 3, 31), "Q1")
        self.assertAlmostEqual(self._statement(q1, self.rep1).amount, 5_000.0)  # 50,000 x 10 %
        with self.assertRaises(UserError):  # a salesperson does not approve
            q1.with_user(self.rep1).action_approve()
        q1.with_user(self.manager_a).action_approve()
        with self.assertRaises(UserError):  # the manager does not lock
            q1.with_user(self.manager_a).action_lock()
        q1.with_user(self.finance).action_lock()
        self.assertEqual(q1.state, "locked")
        with self.assertRefused(UserError, "never changes"):
            q1.write({"date_to": date(2026, 3, 30)})
        with self.assertRaises(UserError):
            q1.action_compute()
        with self.assertRaises(UserError):
            q1.unlink()
        # the order paid in Q1 is cancelled in Q2: the Q2 run claws the 5,000 back
        order._action_cancel()
        q2 = self._run(plan, date(2026, 4, 1), date(2026, 6, 30), "Q2")
        clawback = self._statement(q2, self.rep1).line_ids
        self.assertEqual(len(clawback), 1)
        self.assertAlmostEqual(clawback.amount, -5_000.0)
        self.assertEqual(clawback.origin_line_id, self._statement(q1, self.rep1).line_ids)
        # recomputed, the draft Q2 still claws back once; locked, the next run does not again
        q2.action_compute()
        self.assertAlmostEqual(self._statement(q2, self.rep1).amount, -5_000.0)
        q2.action_approve()
        q2.with_user(self.finance).action_lock()
        q3 = self._run(plan, date(2026, 7, 1), date(2026, 9, 30), "Q3")
        self.assertFalse(self._statement(q3, self.rep1).line_ids)

    def test_bad_input(self):
        Plan = self.env["spm.incentive.plan"]
        with self.assertRefused(ValidationError, "overlap"):
            self._commission_plan(
                name="Overlap",
                tier_ids=[
                    Command.create({"lower": 0, "upper": 100, "rate": 5}),
                    Command.create({"lower": 90, "rate": 8}),
                ],
            )
        with self.assertRefused(ValidationError, "gap"):
            self._commission_plan(
                name="Gap",
                tier_ids=[
                    Command.create({"lower": 0, "upper": 100, "rate": 5}),
                    Command.create({"lower": 110, "rate": 8}),
                ],
            )
        with self.assertRefused(ValidationError, "negative"):
            self._commission_plan(name="Negative", rate_type="flat", flat_rate=-1, tier_ids=[])
        self.assertFalse(Plan.search([("name", "in", ("Overlap", "Gap", "Negative"))]))
        empty = self._commission_plan(name="Empty", user_ids=[])
        with self.assertRefused(UserError, "no participants"):
            empty.action_activate()
        plan = self._commission_plan()
        # (not computed: Q1 cuts the year's quota these tiers pay on, see test_overview_figures)
        self.env["spm.payout.run"].create(
            {"name": "Q1", "plan_id": plan.id, "date_from": date(2026, 1, 1), "date_to": date(2026, 3, 31)}
        )
        with self.assertRefused(ValidationError, "overlap"):
            self._run(plan, date(2026, 3, 1), date(2026, 5, 31), "Overlapping")

    def test_security_rep_cannot_read_colleague_payout(self):
        self._order(self.rep1, 130_000, date(2026, 3, 1))
        self._order(self.rep3, 50_000, date(2026, 3, 1))
        plan = self._commission_plan(user_ids=[Command.set([self.rep1.id, self.rep2.id, self.rep3.id])])
        run = self._run(plan)
        Statement = self.env["spm.payout.statement"]
        mine = self._statement(run, self.rep1)
        self.assertEqual(Statement.with_user(self.rep1).search([]), mine)
        with self.assertRaises(AccessError):
            self._statement(run, self.rep2).with_user(self.rep1).read(["amount"])
        with self.assertRaises(AccessError):
            self.env["spm.payout.line"].with_user(self.rep1).browse(self._statement(run, self.rep3).line_ids.ids).read(
                ["amount"]
            )
        with self.assertRaises(AccessError):  # salespeople never edit amounts
            mine.with_user(self.rep1).write({"commission": 1_000_000})
        # managers: their team (rep1 and rep2 in team A), finance: everyone
        self.assertEqual(Statement.with_user(self.manager_a).search([]).user_id, self.rep1 | self.rep2)
        self.assertEqual(len(Statement.with_user(self.finance).search([])), 3)

    def test_split_spif_and_grade_bonus(self):
        shared = self._order(self.rep1, 100_000, date(2026, 3, 1))
        # 3 widgets in February: a SPIF of 50 per widget sold in February pays 150
        self._order(self.rep2, 300, date(2026, 2, 10)).order_line.product_uom_qty = 3
        plan = self._commission_plan(rate_type="flat", flat_rate=10.0, tier_ids=[])
        with self.assertRefused(ValidationError, "must total 100"):
            self.env["spm.credit.split"].create(
                {
                    "plan_id": plan.id,
                    "document_ref": f"sale.order,{shared.id}",
                    "share_ids": [Command.create({"user_id": self.rep1.id, "percent": 60})],
                }
            )
        self.env["spm.credit.split"].create(
            {
                "plan_id": plan.id,
                "document_ref": f"sale.order,{shared.id}",
                "share_ids": [
                    Command.create({"user_id": self.rep1.id, "percent": 60}),
                    Command.create({"user_id": self.rep2.id, "percent": 40}),
                ],
            }
        )
        plan.spif_ids = [
            Command.create(
                {
                    "name": "Widget push",
                    "product_ids": [Command.set(self.product.ids)],
                    "date_from": date(2026, 2, 1),
                    "date_to": date(2026, 2, 28),
                    "basis": "unit",
                    "amount": 50,
                }
            )
        ]
        # rep1 is graded S in a campaign closed in the year: bonus 5,000
        plan.grade_bonus_ids = [Command.create({"grade": "S", "amount": 5_000})]
        employee = self.env["hr.employee"].create({"name": "Rep 1", "user_id": self.rep1.id})
        template = self.env.ref("spm_addon.spm_appraisal_template_sales")
        campaign = self.env["spm.appraisal.campaign"].create(
            {"name": "H1", "template_id": template.id, "date_from": date(2026, 1, 1), "date_to": date(2026, 6, 30)}
        )
        grade_s = template.grade_ids.filtered(lambda g: g.name == "S")
        self.env["spm.appraisal"].create(
            {"campaign_id": campaign.id, "employee_id": employee.id, "user_id": self.rep1.id}
        ).with_context(spm_appraisal_compute=True).write({"state": "done", "calibrated_grade_id": grade_s.id})
        run = self._run(plan)
        rep1, rep2 = self._statement(run, self.rep1), self._statement(run, self.rep2)
        # rep1: 60 % of 100,000 x 10 % = 6,000 + bonus 5,000; rep2: 40 % = 4,000 + 300 x 10 % + SPIF 150
        self.assertAlmostEqual(rep1.credited_amount, 60_000.0)
        self.assertAlmostEqual(rep1.amount, 11_000.0)
        self.assertAlmostEqual(rep2.credited_amount, 40_300.0)
        self.assertAlmostEqual(rep2.amount, 4_000.0 + 30.0 + 150.0)
        spif = rep2.line_ids.filtered(lambda line: line.res_model == "sale.order.line")
        self.assertEqual((spif.credited_amount, spif.amount), (3.0, 150.0))
        self.assertEqual(
            rep1.line_ids.filtered(lambda line: line.res_id == shared.id).rule, "Split credit: 10 % commission"
        )
        self.assertEqual(spif.rule, f"SPIF Widget push: 3 x {self.currency.symbol}\N{NO-BREAK SPACE}50.00")
        bonus = rep1.line_ids.filtered(lambda line: line.res_model == "spm.appraisal")
        self.assertEqual(bonus.rule, "Bonus for grade S")
        # the grade's name as the reader reads it
        self.env["res.lang"]._activate_lang("fr_FR")
        grade_s.with_context(lang="fr_FR").name = "Supérieur"
        self.assertEqual(bonus.with_context(lang="fr_FR").rule, "Bonus for grade Supérieur")

    def test_dispute_becomes_adjustment_and_what_if(self):
        self._order(self.rep1, 50_000, date(2026, 1, 10))
        plan = self._commission_plan(rate_type="flat", flat_rate=10.0, tier_ids=[])
        q1 = self._run(plan, date(2026, 1, 1), date(2026, 3, 31), "Q1")
        line = self._statement(q1, self.rep1).line_ids
        q1.action_approve()
        q1.with_user(self.finance).action_lock()
        Dispute = self.env["spm.payout.dispute"]
        with self.assertRaises(UserError):  # nobody disputes a colleague's line
            Dispute.with_user(self.rep2).create({"line_id": line.id, "comment": "Mine!"})
        dispute = Dispute.with_user(self.rep1).create({"line_id": line.id, "comment": "The rate should be 12 %."})
        with self.assertRaises(UserError):  # the salesperson does not resolve it
            dispute.with_user(self.rep1).write({"state": "accepted", "adjustment_amount": 99_999})
        dispute.with_user(self.manager_a).adjustment_amount = 1_000  # 50,000 x 2 %
        dispute.with_user(self.manager_a).action_accept()
        self.assertEqual(dispute.state, "accepted")
        # the next run pays the adjustment, once
        q2 = self._run(plan, date(2026, 4, 1), date(2026, 6, 30), "Q2")
        adjustment = self._statement(q2, self.rep1).line_ids
        self.assertEqual(
            (adjustment.res_model, adjustment.res_id, adjustment.amount), ("spm.payout.dispute", dispute.id, 1_000)
        )
        q2.action_approve()
        q2.with_user(self.finance).action_lock()
        q3 = self._run(plan, date(2026, 7, 1), date(2026, 9, 30), "Q3")
        self.assertFalse(self._statement(q3, self.rep1).line_ids)
        # what-if: 130,000 against the 100,000 quota on the tiered plan, rates 10 % higher; nothing saved
        tiered = self._commission_plan(name="Tiered", date_from=date(2027, 1, 1), date_to=date(2027, 12, 31))
        tiered.date_from, tiered.date_to = date(2026, 1, 1), date(2026, 12, 31)
        runs_before = self.env["spm.payout.run"].search_count([])
        what_if = self.env["spm.payout.simulate"].create(
            {
                "plan_id": tiered.id,
                "user_id": self.rep1.id,
                "credited_amount": 130_000,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
            }
        )
        self.assertEqual(what_if.target, 100_000)
        self.assertAlmostEqual(what_if.projected_amount, 7_800.0)
        what_if.rate_multiplier = 1.1
        self.assertAlmostEqual(what_if.projected_amount, 8_580.0)  # 7,800 x 1.1
        what_if.rate_type = "retroactive"
        self.assertAlmostEqual(what_if.projected_amount, 17_160.0)  # 130,000 x 13.2 %
        self.assertEqual(tiered.rate_type, "progressive")
        self.assertEqual(self.env["spm.payout.run"].search_count([]), runs_before)

    def test_team_leader_override_and_draws(self):
        self._order(self.rep1, 10_000, date(2026, 1, 10))
        self._order(self.rep2, 30_000, date(2026, 2, 10))
        plan = self._commission_plan(
            rate_type="flat",
            flat_rate=10.0,
            tier_ids=[],
            team_ids=[Command.set(self.team_a.ids)],
            override_rate=2.0,
            draw_amount=3_000,
            draw_recoverable=True,
        )
        q1 = self._run(plan, date(2026, 1, 1), date(2026, 3, 31), "Q1")
        rep1, rep2 = self._statement(q1, self.rep1), self._statement(q1, self.rep2)
        # rep1 earns 1,000: the draw tops it up by 2,000 to 3,000; rep2 earns 3,000: no top-up
        self.assertAlmostEqual(rep1.amount, 3_000.0)
        self.assertEqual(rep1.line_ids.filtered(lambda line: line.kind == "draw").amount, 2_000.0)
        self.assertAlmostEqual(rep2.amount, 3_000.0)
        # manager_a leads team A: 2 % of 10,000 + 30,000 = 800, on two lines
        leader = self._statement(q1, self.manager_a)
        self.assertEqual(leader.line_ids.mapped("kind"), ["override", "override"])
        self.assertAlmostEqual(leader.amount, 800.0)
        q1.action_approve()
        q1.with_user(self.finance).action_lock()
        # Q2: rep1 earns 8,000; 5,000 above the draw recovers the 2,000 outstanding -> 6,000
        self._order(self.rep1, 80_000, date(2026, 5, 10))
        q2 = self._run(plan, date(2026, 4, 1), date(2026, 6, 30), "Q2")
        rep1 = self._statement(q2, self.rep1)
        self.assertEqual(rep1.line_ids.filtered(lambda line: line.kind == "recovery").amount, -2_000.0)
        self.assertAlmostEqual(rep1.amount, 6_000.0)
        # not recoverable: the draw is kept
        q2.unlink()
        plan.draw_recoverable = False
        self.assertAlmostEqual(
            self._statement(self._run(plan, date(2026, 4, 1), date(2026, 6, 30)), self.rep1).amount, 8_000.0
        )

    def test_plan_form(self):
        form = Form(self.env["spm.incentive.plan"])
        form.name = "Form plan"
        form.date_from, form.date_to = date(2026, 1, 1), date(2026, 12, 31)
        form.measure_id = self.measure_sales
        form.user_ids.add(self.rep1)
        form.rate_type = "retroactive"
        for lower, upper, rate in TIERS:
            with form.tier_ids.new() as tier:
                tier.lower, tier.upper, tier.rate = lower, upper, rate
        with form.grade_bonus_ids.new() as bonus:
            bonus.grade, bonus.amount = "S", 5_000
        plan = form.save()
        self.assertEqual(len(plan.tier_ids), 3)
        # tier changes are written in the plan's chatter
        plan.tier_ids[1].rate = 9
        bodies = " ".join(plan.message_ids.mapped("body"))
        self.assertIn("Tiers added: 0 % to 100 %: 5 %, 100 % to 120 %: 8 %, 120 % and above: 12 %", bodies)
        self.assertIn("Tier changed: 100 % to 120 %: 8 % → 100 % to 120 %: 9 %", bodies)
        plan.tier_ids[1].rate = 8
        self._order(self.rep1, 130_000, date(2026, 3, 1))
        self.assertAlmostEqual(self._statement(self._run(plan), self.rep1).amount, 15_600.0)

    def test_category_rates(self):
        # the per-category measure credits order lines; services are paid 20 %, the rest follows the tiers
        measure = self.env.ref("spm_addon.spm_measure_sales_revenue_categ")
        with self.assertRefused(ValidationError, "category field"):
            self._commission_plan(
                name="No categ", category_rate_ids=[Command.create({"categ_id": self.categ_sv.id, "rate": 20})]
            )
        self._order(self.rep1, 100_000, date(2026, 3, 1))  # hardware
        self._order(self.rep1, 30_000, date(2026, 3, 2), product=self.service)
        plan = self._commission_plan(
            measure_id=measure.id,
            quota_measure_id=self.measure_sales.id,
            category_rate_ids=[Command.create({"categ_id": self.categ_sv.id, "rate": 20})],
        )
        statement = self._statement(self._run(plan), self.rep1)
        # attainment on all 130,000 = 130 %: the tiers on the 100,000 of hardware, as a share of the
        # tier scale: 100,000 x (100/130 x 5 % + 20/130 x 8 % + 10/130 x 12 %) = 6,000; services 30,000 x 20 % = 6,000
        self.assertAlmostEqual(statement.attainment, 130.0)
        self.assertAlmostEqual(statement.amount, 12_000.0)
        service_line = statement.line_ids.filtered(lambda line: line.rule == "Category rate 20 %")
        self.assertAlmostEqual(service_line.amount, 6_000.0)
        self.assertAlmostEqual(service_line.rate, 20.0)

    def test_clawback_after_refund(self):
        invoice = self._invoice(self.rep1, 50_000, date(2026, 2, 1))
        plan = self._commission_plan(measure_id=self.measure_invoiced.id, rate_type="flat", flat_rate=10.0, tier_ids=[])
        q1 = self._run(plan, date(2026, 1, 1), date(2026, 3, 31), "Q1")
        paid = self._statement(q1, self.rep1).line_ids
        self.assertAlmostEqual(paid.amount, 5_000.0)  # 50,000 x 10 %
        q1.action_approve()
        q1.with_user(self.finance).action_lock()
        # the invoice is refunded in Q2 (the credit note wizard keeps the invoice's salesperson):
        # the Q2 run claws the 5,000 back against the Q1 line
        self.env["account.move.reversal"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"date": date(2026, 5, 5), "journal_id": invoice.journal_id.id, "reason": "Returned"}
        ).reverse_moves()
        refund = invoice.reversal_move_ids
        refund.action_post()
        q2 = self._run(plan, date(2026, 4, 1), date(2026, 6, 30), "Q2")
        clawback = self._statement(q2, self.rep1).line_ids
        self.assertEqual((clawback.kind, clawback.res_id, clawback.origin_line_id), ("clawback", refund.id, paid))
        self.assertAlmostEqual(clawback.amount, -5_000.0)

    def test_flat_run_on_part_of_a_quota_period_reads_its_target_prorated(self):
        """A flat commission (what it pays does not depend on the quota) run monthly on a yearly quota:
        the month's target reads prorated by days, and the run and What-If say so; never a silent 0."""
        self._order(self.rep1, 4_000, date(2026, 1, 10))
        plan = self._commission_plan(rate_type="flat", flat_rate=5.0, tier_ids=[])
        run = self._run(plan, date(2026, 1, 1), date(2026, 1, 31), name="January")
        statement = self._statement(run, self.rep1)
        # rep1's 2026 quota is 100,000: January's 31 of 365 days = 8,493.15; 4,000 of it = 47.1 %; 5 % of
        # 4,000 = 200, whatever the target
        self.assertAlmostEqual(statement.target, 8_493.15, places=2)
        self.assertAlmostEqual(statement.attainment, 47.1, places=1)
        self.assertAlmostEqual(statement.commission, 200.0)
        self.assertIn("prorated by days", run.target_note)
        Simulate = self.env["spm.payout.simulate"]
        what_if = Simulate.create(
            {"plan_id": plan.id, "user_id": self.rep1.id, "date_from": date(2026, 1, 1), "date_to": date(2026, 1, 31)}
        )
        self.assertAlmostEqual(what_if.target, 8_493.15, places=2)
        self.assertIn("prorated by days", what_if.target_note)
        self.assertFalse(what_if.period_warning)
        # the whole quota period reads the whole target, and says nothing
        year = Simulate.create(
            {"plan_id": plan.id, "user_id": self.rep1.id, "date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31)}
        )
        self.assertEqual(year.target, 100_000)
        self.assertFalse(year.target_note)
