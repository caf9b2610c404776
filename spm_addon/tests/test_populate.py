import statistics
from datetime import date

import psycopg2

from odoo.addons.spm_addon.populate.generator import (
    FINANCE_LOGIN,
    FINANCE_NAME,
    SCALES,
    demo_languages,
    generate,
)
from odoo.addons.spm_addon.populate.spm_setup import MONITOR_RULES, monitor_setup, setup
from odoo.addons.spm_addon.tools import bulk
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

END = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestPopulate(TransactionCase):
    """The demo-data generator keeps its promises and is deterministic."""

    def _generate(self, seed):
        """Generate the tiny scale in a savepoint; return its counts and a fingerprint, then roll back."""
        with self.env.cr.savepoint(flush=False) as savepoint:
            counts = generate(self.env, seed=seed, scale="tiny", end_date=END, log=lambda *a: None)
            self.env.flush_all()
            cr = self.env.cr
            # order names come from Odoo's sequence (outside the transaction: the next run goes on from it)
            cr.execute("""SELECT o.date_order, o.amount_untaxed, o.state, u.login, t.sequence
                            FROM sale_order o JOIN res_users u ON u.id = o.user_id JOIN crm_team t ON t.id = o.team_id
                        ORDER BY o.date_order, o.amount_untaxed, u.login""")
            orders = cr.fetchall()
            cr.execute(
                "SELECT name, amount_untaxed_signed, invoice_date FROM account_move "
                "WHERE move_type IN ('out_invoice', 'out_refund') ORDER BY name, amount_untaxed_signed, invoice_date"
            )
            invoices = cr.fetchall()
            cr.execute(
                "SELECT type, expected_revenue, active, date_deadline FROM crm_lead "
                "ORDER BY type, expected_revenue, active, date_deadline"
            )
            leads = cr.fetchall()
            # the generated salespeople's records (a database with Odoo's demo data has records of its own)
            reps = self.env["res.users"].search([("login", "=like", "rep%@demo.example")])
            by_rep = self.env["sale.order"]._read_group(
                [("state", "=", "sale"), ("user_id", "in", reps.ids)], ["user_id"], ["amount_untaxed:sum"]
            )
            mine = [("user_id", "in", reps.ids)]
            checks = {
                "users": len(reps),
                "employees_with_manager": self.env["hr.employee"].search_count(
                    [("user_id", "in", reps.ids), ("parent_id", "!=", False)]
                ),
                "order_lines": self.env["sale.order.line"].search_count([("salesman_id", "in", reps.ids)]),
                "confirmed_order_lines": self.env["sale.order.line"].search_count(
                    [("order_id.state", "=", "sale"), ("salesman_id", "in", reps.ids)]
                ),
                "credited_documents": self.env["sale.report"].search_count([("state", "=", "sale"), *mine]),
                "refunds": self.env["account.move"].search_count(
                    [("move_type", "=", "out_refund"), ("invoice_user_id", "in", reps.ids)]
                ),
                "won": self.env["crm.lead"].search_count([("stage_id.is_won", "=", True), *mine]),
                "lost": self.env["crm.lead"]
                .with_context(active_test=False)
                .search_count([("active", "=", False), ("probability", "=", 0), *mine]),
                "meetings": self.env["calendar.event"].search_count([("opportunity_id", "!=", False), *mine]),
                "by_rep": sorted(amount for __, amount in by_rep),
                # customers are companies of a Chinese province, their own commercial partner (the
                # customer reports group by them)
                "customers_placed": self.env["res.partner"].search_count(
                    [
                        ("email", "=like", "info%@customer.example"),
                        ("country_id.code", "=", "CN"),
                        ("state_id", "!=", False),
                    ]
                ),
                "own_commercial": self.env["res.partner"].search_count(
                    [("email", "=like", "info%@customer.example"), ("commercial_partner_id", "!=", False)]
                ),
            }
            savepoint.rollback()
        self.env.invalidate_all()
        return counts, (orders, invoices, leads), checks

    def test_tiny_scale_counts_and_determinism(self):
        counts, fingerprint, checks = self._generate(seed=7)
        promise = SCALES["tiny"]
        self.assertEqual(counts["reps"], promise["reps"])
        self.assertEqual(counts["teams"], promise["teams"])
        # the promise is in confirmed order lines, one per product and order: each is a credited document
        self.assertEqual(counts["confirmed_order_lines"], promise["order_lines"])
        self.assertGreater(counts["order_lines"], promise["order_lines"])
        self.assertEqual(counts["customers"], promise["customers"])
        self.assertEqual(checks["customers_placed"], promise["customers"])
        self.assertEqual(checks["own_commercial"], promise["customers"])
        self.assertEqual(counts["products"], promise["products"])
        self.assertEqual(checks["users"], promise["reps"])
        self.assertEqual(checks["employees_with_manager"], promise["reps"])
        self.assertEqual(checks["order_lines"], counts["order_lines"])
        self.assertEqual(checks["confirmed_order_lines"], promise["order_lines"])
        self.assertEqual(checks["credited_documents"], promise["order_lines"])
        self.assertEqual(checks["refunds"], counts["refunds"])
        self.assertEqual(checks["won"], counts["opportunities_won"])
        self.assertEqual(checks["lost"], counts["opportunities_lost"])
        self.assertEqual(checks["meetings"], counts["meetings"])
        self.assertTrue(counts["invoices"] and counts["refunds"] and counts["activities"] and counts["quotations"])
        # same seed, same data; another seed, other data
        again = self._generate(seed=7)
        self.assertEqual(again[1], fingerprint)
        self.assertNotEqual(self._generate(seed=8)[1], fingerprint)
        # salespeople differ: the best sells at least twice as much as the weakest
        self.assertGreater(checks["by_rep"][-1], 2 * checks["by_rep"][0])

    def test_each_user_reads_their_own_language(self):
        """The demo installs Simplified Chinese beside English, both active (README): the CNY company's
        people read Chinese, the USD company's and the administrator English; finance has a name of
        their own, no salesperson's."""
        admin = self.env.ref("base.user_admin")
        with self.env.cr.savepoint(flush=False) as savepoint:
            # terms=False: the languages as the demo sets them, without loading Chinese's translations
            demo_languages(self.env, terms=False)
            generate(self.env, seed=7, scale="tiny", companies=2, end_date=END, log=lambda *a: None)
            self.env.flush_all()
            self.env.invalidate_all()
            active = set(self.env["res.lang"].search([]).mapped("code"))
            users = self.env["res.users"].search([("login", "=like", "%@demo.example")])
            langs = {user.login: (user.company_id.currency_id.name, user.lang) for user in users}
            finance = users.filtered(lambda user: user.login == FINANCE_LOGIN)
            names = (finance.name, set((users - finance).mapped("name")))
            admin_lang = admin.lang
            savepoint.rollback()
        self.env.invalidate_all()
        self.env.registry.clear_cache()  # the active languages are cached
        self.assertLessEqual({"en_US", "zh_CN"}, active)
        self.assertEqual(admin_lang, "en_US")
        # 6 salespeople, 2 leaders, 2 directors and finance; the first company is in CNY unless it has journal
        # items already (Odoo's demo data): then both are in USD and everyone reads English
        self.assertEqual(len(langs), 11)
        for login, (currency, lang) in langs.items():
            if login != FINANCE_LOGIN:
                self.assertEqual(lang, "zh_CN" if currency == "CNY" else "en_US", login)
        self.assertIn("USD", {currency for currency, _lang in langs.values()})
        self.assertEqual(names[0], FINANCE_NAME)
        self.assertNotIn(FINANCE_NAME, names[1])

    def test_signals_for_monitoring_and_reports(self):
        """The demo plants what each monitoring rule and report is to show: stalled deals, lost deals in
        the stages where they were lost, channels, regular customers who stopped buying, a salesperson
        who sold nothing last month and a few whose visits dropped. Each demo rule flags the few who need
        attention: at least one salesperson, at most one in seven (at least one). Open deals have expected
        closing dates, mostly in the coming three months, a few past (the pipeline forecast reads them)."""
        with self.env.cr.savepoint(flush=False) as savepoint:
            counts = generate(self.env, seed=7, scale="tiny", end_date=END, log=lambda *a: None)
            self.env.flush_all()
            Lead = self.env["crm.lead"].with_context(active_test=False)
            signals = {
                "stalled": Lead.search_count(
                    [("type", "=", "opportunity"), ("active", "=", True), ("stage_id.is_won", "=", False),
                     ("date_last_stage_update", "<", "2026-05-26")]  # 35 days before END
                ),
                "lost_stages": len(Lead.search([("active", "=", False), ("probability", "=", 0)]).stage_id),
                "sourced_leads": Lead.search_count([("source_id", "!=", False), ("medium_id", "!=", False)]),
                "sourced_orders": self.env["sale.order"].search_count([("source_id", "!=", False)]),
                "funnel_stages": len(
                    self.env["spm.funnel.report"]._read_group([("won_count", "=", 1)], ["stage_id"])
                ),
            }  # fmt: skip
            rules = monitor_setup(self.env, today=END, log=lambda *a: None)
            hits = {rule.kind: rule.hit_count for rule in rules}
            reps = self.env["res.users"].search([("login", "=like", "rep%@demo.example")])
            flagged = {rule.kind: len(rule.hit_ids.person_id & reps) for rule in rules}
            open_deals = Lead.search(
                [("type", "=", "opportunity"), ("active", "=", True), ("stage_id.is_won", "=", False),
                 ("user_id", "in", reps.ids)]
            )  # fmt: skip
            closing = sorted((deal.date_deadline - END).days if deal.date_deadline else None for deal in open_deals)
            churn = rules.filtered(lambda rule: rule.kind == "churn_risk")
            buyers = len(self.env["sale.order"].search([("state", "=", "sale")]).partner_id.commercial_partner_id)
            churn_values = (churn.min_orders, churn.grace_days)
            savepoint.rollback()
        self.env.invalidate_all()
        # tiny (seed 7): 6 salespeople, 40 customers; one salesperson in ten needs attention (at least one: 1),
        # their open deal stalled and its follow-up late; 1 churned customer (theirs), 1 sales drop, 1
        # salesperson whose visits dropped
        self.assertEqual(counts["signal_attention"], 1)
        self.assertEqual(counts["signal_stalled_deals"], 1)
        self.assertGreaterEqual(signals["stalled"], counts["signal_stalled_deals"])
        self.assertEqual(counts["signal_churned_customers"], 1)
        self.assertEqual(counts["signal_sales_drops"], 1)
        self.assertEqual(counts["signal_visit_drops"], 1)
        # each rule flags 1 of the 6 salespeople: at least one, at most max(1, 6 // 7) = 1
        self.assertEqual(len(reps), 6)
        self.assertEqual(flagged, {values["kind"]: 1 for _name, _zh, values in MONITOR_RULES})
        # every open deal has an expected closing date: 7 to 90 days ahead, or 1 to 30 days past for one in
        # eight (seed 7: 1 of the 6)
        self.assertTrue(closing and None not in closing, closing)
        self.assertTrue(all(-30 <= days <= 90 for days in closing), closing)
        ahead = [days for days in closing if days >= 7]
        self.assertGreaterEqual(len(ahead), len(closing) * 2 / 3, closing)
        self.assertTrue(ahead != closing, closing)  # a few already past
        self.assertGreaterEqual(counts["signal_visits"], 1 * 10 * 3)  # 10 weeks, 3 to 5 visits a week
        self.assertGreater(signals["lost_stages"], 1)  # lost deals are not all lost in the first stage
        self.assertGreater(signals["sourced_leads"], 0)
        self.assertGreater(signals["sourced_orders"], 0)
        self.assertGreater(signals["funnel_stages"], 2)
        self.assertEqual(set(hits), {values["kind"] for _name, _zh, values in MONITOR_RULES})
        self.assertTrue(all(hits.values()), hits)
        # churn risk watches regular customers (the top quarter's order days: 5 at this scale) 150 days past
        # their rhythm: a few alerts, not one customer in three as with every customer and 30 days
        self.assertEqual(churn_values, (5, 150))
        self.assertLessEqual(hits["churn_risk"], buyers // 10, (hits, buyers))

    def test_us_dollar_company_prices_in_dollars(self):
        """The list prices are in CNY: a US-dollar company's orders convert them at the month's rate (about
        0.14 USD a CNY), so that it sells about as much as the CNY company, not seven times as much."""
        with self.env.cr.savepoint(flush=False) as savepoint:
            generate(self.env, seed=7, scale="tiny", companies=2, end_date=END, log=lambda *a: None)
            self.env.flush_all()
            self.env.cr.execute(
                """
                SELECT c.currency_id = %s, min(l.price_unit / t.list_price), max(l.price_unit / t.list_price),
                       count(*)
                  FROM sale_order_line l
                  JOIN sale_order o ON o.id = l.order_id
                  JOIN res_company c ON c.id = o.company_id
                  JOIN product_product p ON p.id = l.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
                  JOIN res_users u ON u.id = o.user_id
                 WHERE o.currency_id = c.currency_id AND t.list_price > 0 AND u.login LIKE 'rep%%@demo.example'
              GROUP BY 1 ORDER BY 1""",
                [self.env.ref("base.USD").id],
            )
            (__, cny_low, cny_high, cny_count), (__, usd_low, usd_high, usd_count) = self.env.cr.fetchall()
            savepoint.rollback()
        self.env.invalidate_all()
        self.assertTrue(cny_count and usd_count)
        # a line's price is the list price x 0.85 to 1.05 (the deal) x 0.8 to 1.25 (the month's scale):
        # 0.68 to 1.3125 of the list price in CNY; x 0.1358 to 0.145 (the month's rate) in US dollars,
        # 0.0923 to 0.1904
        self.assertGreaterEqual(round(cny_low, 4), 0.68)
        self.assertLessEqual(round(cny_high, 4), 1.3125)
        self.assertGreaterEqual(round(usd_low, 4), 0.0923)
        self.assertLessEqual(round(usd_high, 4), 0.1904)

    def test_seasonality_and_growth(self):
        # a larger sample than tiny, to see the shape of the year
        with self.env.cr.savepoint(flush=False) as savepoint:
            generate(self.env, seed=3, scale="tiny", order_lines=6000, end_date=date(2026, 12, 31), log=lambda *a: None)
            months = {
                key.strftime("%Y-%m"): value
                for key, value in self.env["sale.order"]._read_group(
                    [("state", "in", ("sale", "draft", "sent"))], ["date_order:month"], ["amount_untaxed:sum"]
                )
            }
            savepoint.rollback()
        year_2025 = sum(v for k, v in months.items() if k.startswith("2025"))
        year_2026 = sum(v for k, v in months.items() if k.startswith("2026"))
        self.assertGreater(year_2026, year_2025)  # about +8 % a salesperson, more with the new hires
        for year in ("2025", "2026"):
            self.assertGreater(months[f"{year}-12"], months[f"{year}-02"])  # year-end peak, New Year dip

    def test_believable_attainment_and_payouts(self):
        """After generation and setup, this year's targets (from last year's sales, new hires set by hand)
        are within reach: attainment of the salespeople's lines of the current plan mostly between 50 %
        and 150 %, and commissions follow attainment by the plan's tiers."""
        today = date(2026, 12, 15)
        with self.env.cr.savepoint(flush=False) as savepoint:
            generate(self.env, seed=5, scale="tiny", reps=20, order_lines=6000, end_date=today, log=lambda *a: None)
            setup(self.env, today=today, log=lambda *a: None)
            self.env.flush_all()
            plan = self.env["spm.quota.plan"].search([("name", "=", "2026 Sales Targets")])
            # the generated salespeople's (Odoo's demo data has salespeople in teams too)
            lines = plan.line_ids.filtered(lambda line: line.level == "user" and line.user_id.login.startswith("rep"))
            figures = [(line.attainment, line.actual_amount, line.target) for line in lines]
            attainments = sorted(lines.mapped("attainment"))
            pinned = lines.filtered("is_pinned").mapped("attainment")
            statements = self.env["spm.payout.statement"].search([("plan_id.name", "=", "2026 Sales Commission")])
            locked = statements.filtered(lambda s: s.run_id.state == "locked")
            # who approved the paid quarter's statements, and whose name the runs' chatter carries
            approvals = {(s.approved_by_id.id, s.team_id.user_id.id) for s in locked}
            leaders = set(locked.team_id.user_id.partner_id.ids)
            authors = set(
                self.env["mail.message"]
                .search([("model", "=", "spm.payout.run"), ("res_id", "in", locked.run_id.ids)])
                .author_id.ids
            )
            self.env.cr.execute("SELECT name->>'zh_CN' FROM spm_career_level ORDER BY sequence")
            levels_zh = [row[0] for row in self.env.cr.fetchall()]
            payouts = [
                (s.attainment, s.credited_amount, s.target, s.commission, s.plan_id.cap_amount, s.plan_id.gate)
                for s in statements
            ]
            career = (
                self.env["spm.career.level"].search_count([]),
                self.env["spm.development.plan"].search_count([("state", "=", "active")]),
                self.env["spm.career.readiness"].search_count([]),
            )
            savepoint.rollback()
        self.env.invalidate_all()
        # the demo's promotion path: three levels, a few active development plans, readiness computed
        levels, plans, readiness = career
        self.assertEqual(levels, 3)
        self.assertEqual(levels_zh, ["销售代表", "高级销售代表", "销售主管"])
        # each statement of the locked run approved by its team's leader, who signs the chatter, not OdooBot
        self.assertTrue(approvals)
        self.assertTrue(all(approver == leader for approver, leader in approvals), approvals)
        self.assertEqual(leaders, authors)
        self.assertTrue(plans and readiness, career)
        self.assertEqual(len(attainments), 20)
        # each line's attainment is its actual over its target
        self.assertTrue(all(abs(attainment - 100 * actual / target) < 0.01 for attainment, actual, target in figures))
        median = statistics.median(attainments)  # 20 values: the mean of the 10th and 11th
        self.assertEqual(median, (attainments[9] + attainments[10]) / 2)
        self.assertTrue(70 <= median <= 130, attainments)
        within = [value for value in attainments if 50 <= value <= 150]
        self.assertGreaterEqual(len(within), 16, attainments)  # at least 80 % of 20
        # new hires have targets of their own, not a near-zero history
        self.assertTrue(pinned, "some salespeople of the demo are new hires")
        self.assertTrue(all(50 <= value <= 200 for value in pinned), pinned)
        # commissions: progressive 3 % up to 100 % attainment, 5 % to 120 %, 8 % above, nothing below the gate,
        # at most the cap; e.g. 1,000 of a target of 800 (125 %): 800 x 3 % + 160 x 5 % + 40 x 8 % = 35.20
        self.assertTrue(payouts)
        for attainment, credited, target, commission, cap, gate in payouts:
            self.assertTrue(attainment <= 300 or commission == cap, payouts)
            tiers = 0.03 * min(credited, target) + 0.05 * max(min(credited, 1.2 * target) - target, 0)
            tiers += 0.08 * max(credited - 1.2 * target, 0)
            expected = 0.0 if attainment < gate else min(tiers, cap)
            self.assertAlmostEqual(commission, expected, delta=0.02, msg=(attainment, credited, target))
        self.assertAlmostEqual(0.03 * 800 + 0.05 * 160 + 0.08 * 40, 35.20)

    def test_training_effects_the_report_finds(self):
        """The demo's training: Consultative Selling's graduates (a third of the salespeople) sell a quarter
        more after it, and the effect report finds it on their revenue; the Negotiation Workshop (another
        third) changed nothing, and the report finds no effect on its average deal size. 45 salespeople, as in the
        demo's larger company (a handful of trained people is too few to tell)."""
        today = date(2026, 12, 15)
        with self.env.cr.savepoint(flush=False) as savepoint:
            generate(self.env, seed=5, scale="tiny", reps=45, order_lines=12000, end_date=today, log=lambda *a: None)
            setup(self.env, today=today, log=lambda *a: None)
            effects = {
                (effect.course_id.name, effect.kpi_id.name): (effect.verdict, effect.effect, effect.trained_count)
                for effect in self.env["spm.training.effect"].search([])
            }
            savepoint.rollback()
        self.env.invalidate_all()
        consultative = effects[("Consultative Selling", "Revenue attainment")]
        self.assertEqual(consultative[0], "improved", effects)
        self.assertGreaterEqual(consultative[2], 10)
        self.assertEqual(effects[("Negotiation Workshop", "Average deal size")][0], "no_effect", effects)

    def test_refused_at_once_where_the_demo_people_exist(self):
        """A database that has the demo's people already (a login of theirs taken): refused before anything
        is written, with a message that says to use a new database."""
        self.env["res.users"].create({"name": "Taken", "login": "rep001@demo.example"})
        companies = self.env["res.company"].search_count([])
        orders = self.env["sale.order"].search_count([])
        with self.assertRaisesRegex(UserError, "new database"):
            generate(self.env, seed=7, scale="tiny", end_date=END, log=lambda *a: None)
        self.assertEqual(self.env["res.company"].search_count([]), companies)
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        self.assertEqual(self.env["res.users"].search_count([("login", "=like", "%@demo.example")]), 1)

    def test_bulk_load_checks_references_after(self):
        """The generator loads tables with their foreign keys set aside: they come back unchanged, and a
        dangling reference still fails when they do."""
        cr = self.env.cr
        keys = (
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'crm_team_member'::regclass"
        )
        cr.execute(keys)
        before = sorted(cr.fetchall())
        team = self.env["crm.team"].create({"name": "Bulk"})
        with self.env.cr.savepoint():
            with bulk.checks_after_load(cr, "crm_team_member"):
                bulk.copy_rows(cr, "crm_team_member", ["crm_team_id", "user_id", "active"], [(team.id, 2, True)])
        cr.execute(keys)
        self.assertEqual(sorted(cr.fetchall()), before)
        self.assertEqual(self.env["crm.team.member"].search_count([("crm_team_id", "=", team.id)]), 1)
        with self.assertRaises(psycopg2.errors.ForeignKeyViolation), self.env.cr.savepoint():
            with bulk.checks_after_load(cr, "crm_team_member"):
                bulk.copy_rows(cr, "crm_team_member", ["crm_team_id", "user_id", "active"], [(team.id, 10**9, True)])
        cr.execute(keys)
        self.assertEqual(sorted(cr.fetchall()), before)
