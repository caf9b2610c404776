from collections import defaultdict
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SpmCommon

DECEMBER_7 = date(2026, 12, 7)
NOVEMBER_16 = date(2026, 11, 16)
Q4 = (date(2026, 10, 1), date(2026, 12, 31))


def _overview(case, user, day):
    with freeze_time(day):
        Overview = case.env["spm.overview"].with_user(user)
        overview = Overview.browse(Overview.action_open_mine()["res_id"])
        overview.invalidate_recordset()
        overview.mapped("my_line_ids")  # every figure computed now, on the frozen day
        overview.mapped("estimate_amount")
        return overview


@tagged("post_install", "-at_install")
class TestOverviewOneFigure(SpmCommon):
    """A figure shown twice on the overview is the same figure: the targets table and the forecast box
    never carry two values under one label, and the table's projection is the quota line's own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # equal split, months by working days: rep1 200,000 for the year, 50,000 a quarter, 16,666.67 a month
        cls.plan = cls._plan(allocation_method="equal", time_split="month", expected_basis="working_days")
        cls.plan.action_allocate()
        cls.plan.action_activate()
        cls._order(cls.rep1, 180_000, date(2025, 12, 10))  # history for the forecast
        cls._order(cls.rep1, 5_000, date(2026, 12, 2))
        cls.plan._refresh_figures(today=DECEMBER_7)
        cls.env["spm.forecast"].sudo()._compute_company(cls.company, today=DECEMBER_7)

    def _shown(self, user, overview):
        """{(period, label): {values}} of what the targets table and the forecast box show, under the labels
        the user reads in the overview's own view."""
        arch = etree.fromstring(
            self.env["spm.overview"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
        )
        Line = self.env["spm.quota.line"]
        columns = {
            column.get("string") or Line._fields[column.get("name")].string: column.get("name")
            for column in arch.xpath("//field[@name='my_line_ids']/list/field")
            if Line._fields[column.get("name")].type in ("float", "monetary")
        }
        shown = defaultdict(set)
        for line in overview.my_line_ids:
            for label, fname in columns.items():
                shown[line.period_label, label].add(round(line[fname], 2))
        boxes = {"This month": "2026-12", "This quarter": "2026 Q4"}  # the running month and quarter
        for box in arch.xpath("//div[@name='forecast']/div/div"):
            period = boxes[box.xpath("string(div[hasclass('fw-bold')])").strip()]
            for row in box.xpath("div[span and field]"):
                shown[period, row.xpath("string(span)").strip()].add(round(overview[row.xpath("field/@name")[0]], 2))
        return columns, shown

    def test_one_label_one_value(self):
        overview = _overview(self, self.rep1, DECEMBER_7)
        columns, shown = self._shown(self.rep1, overview)
        twice = {key: values for key, values in shown.items() if len(values) > 1}
        self.assertFalse(twice, "a label carries two values on the overview")
        december = overview.my_line_ids.filtered(lambda line: line.period_label == "2026-12")
        q4 = overview.my_line_ids.filtered(lambda line: line.period_label == "2026 Q4")
        # the targets agree: the forecast's December and Q4 targets are the quota lines'
        self.assertEqual(shown["2026-12", "Target"], {round(december.target, 2)})
        self.assertEqual(shown["2026 Q4", "Target"], {50_000.0})
        # two projections, each named for what it is: at today's pace (the quota line's own field) and the
        # forecast (seasonal methods, backtested), whose method is shown
        self.assertEqual(columns["At Today's Pace"], "projected_amount")
        # December: 5,000 in 5 of 23 working days: 5,000 x 23 / 5 = 23,000; Q4: 5,000 in 48 of 66: 6,875
        self.assertEqual(shown["2026-12", "At Today's Pace"], {23_000.0})
        self.assertAlmostEqual(december.projected_amount, 23_000.0, places=2)
        self.assertEqual(shown["2026 Q4", "At Today's Pace"], {6_875.0})
        self.assertAlmostEqual(q4.projected_amount, 6_875.0, places=2)
        self.assertEqual(shown["2026-12", "Forecast"], {round(overview.forecast_month_expected, 2)})
        forecast = self.env["spm.forecast"].search(
            [("scope", "=", "user"), ("user_id", "=", self.rep1.id), ("month", "=", date(2026, 12, 1))]
        )
        self.assertEqual(overview.forecast_month_expected, forecast.expected_amount)
        method = dict(forecast._fields["method"]._description_selection(self.env))[forecast.method]
        self.assertIn(method, overview.forecast_method)
        self.assertIn("backtested", overview.forecast_method)
        self.assertNotIn(("2026-12", "Projected"), shown)
        self.assertNotIn(("2026-12", "Expected"), shown)


class QuarterlyWorld(SpmCommon):
    """Quarterly quotas of team A (rep1 and rep2: 320,000 a year, 80,000 a quarter) and a commission
    plan of team A paying 5 % flat from 20 % of the quota (a gate on attainment: it pays on quota)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quota = cls._plan(
            target_amount=640_000, team_ids=[Command.set(cls.team_a.ids)], allocation_method="equal",
            time_split="quarter", expected_basis="working_days",
        )  # fmt: skip
        cls.quota.action_allocate()
        cls.quota.action_activate()
        cls.commission = cls.env["spm.incentive.plan"].create(
            {"name": "Quarterly Commission", "date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31),
             "measure_id": cls.measure_sales.id, "team_ids": [Command.set(cls.team_a.ids)],
             "rate_type": "flat", "flat_rate": 5.0, "gate": 20.0}
        )  # fmt: skip
        cls.commission.action_activate()
        cls._order(cls.rep2, 20_000, date(2026, 5, 5))  # Q2
        cls._order(cls.rep1, 40_000, date(2026, 8, 10))  # Q3
        cls._order(cls.rep1, 60_000, date(2026, 10, 15))  # Q4

    @classmethod
    def _run(cls, name, date_from, date_to):
        return cls.env["spm.payout.run"].create(
            {"name": name, "plan_id": cls.commission.id, "date_from": date_from, "date_to": date_to}
        )


@tagged("post_install", "-at_install")
class TestWhatIfOnQuotaPeriods(QuarterlyWorld):
    """What-If and payout runs follow the plan's quota periods: never a silent 0."""

    @freeze_time(NOVEMBER_16)
    def test_what_if_proposes_the_quarter(self):
        form = Form(self.env["spm.payout.simulate"].with_user(self.rep1))
        # no run covers 16 November: the quota period that does, Q4, not November (which has no quota)
        self.assertEqual(form.plan_id, self.commission)
        self.assertEqual((form.date_from, form.date_to), Q4)
        # Q4: 60,000 credited of 80,000: 75 %, above the 20 % gate: 5 % of 60,000 = 3,000
        self.assertEqual((form.target, form.credited_amount), (80_000, 60_000))
        self.assertAlmostEqual(form.attainment, 75.0)
        self.assertAlmostEqual(form.projected_amount, 3_000.0)
        self.assertFalse(form.period_warning)
        # November alone cuts the quarter: said on the screen, not a target of 0 (attainment 0, below the gate:
        # nothing paid) passed off as a figure
        form.date_from, form.date_to = date(2026, 11, 1), date(2026, 11, 30)
        self.assertEqual(form.target, 0)
        self.assertIn("cuts the quota period", form.period_warning)
        self.assertIn("10/01/2026 – 12/31/2026", form.period_warning)

    def test_run_of_a_month_is_refused(self):
        october = self._run("October", date(2026, 10, 1), date(2026, 10, 31))
        with self.assertRefused(UserError, "cuts the quota period 10/01/2026 – 12/31/2026"):
            october.action_compute()
        self.assertFalse(october.statement_ids)
        october.unlink()
        # the quarter is paid on its quota: rep1 60,000 of 80,000, 5 % = 3,000
        quarter = self._run("Q4", *Q4)
        quarter.action_compute()
        statement = quarter.statement_ids.filtered(lambda st: st.user_id == self.rep1)
        self.assertEqual((statement.target, statement.amount), (80_000, 3_000))


@tagged("post_install", "-at_install")
class TestOverviewRoles(QuarterlyWorld):
    """Each role's first screen answers its first question, with figures computed by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quota._refresh_figures(today=NOVEMBER_16)

    def test_salesperson_sees_the_running_period_estimate(self):
        overview = _overview(self, self.rep1, NOVEMBER_16)
        # What-If of today: Q4, 60,000 credited of 80,000 (75 %), 5 % flat = 3,000
        self.assertEqual(overview.estimate_plan_id, self.commission)
        self.assertEqual((overview.estimate_credited, overview.estimate_target), (60_000, 80_000))
        self.assertAlmostEqual(overview.estimate_attainment, 75.0)
        self.assertAlmostEqual(overview.estimate_amount, 3_000.0)
        self.assertFalse(overview.estimate_warning)
        with freeze_time(NOVEMBER_16):  # the same figures as What-If itself
            what_if = Form(self.env["spm.payout.simulate"].with_user(self.rep1))
            self.assertEqual(what_if.projected_amount, overview.estimate_amount)
        self.assertFalse(_overview(self, self.rep3, NOVEMBER_16).estimate_plan_id, "no plan pays rep3")

    def test_finance_sees_the_teams_and_the_runs_waiting(self):
        # Q1 locked long ago (not to export any more), Q2 approved (to lock), Q3 computed (to approve)
        q1, q2, q3 = (
            self._run("2026 Q1", date(2026, 1, 1), date(2026, 3, 31)),
            self._run("2026 Q2", date(2026, 4, 1), date(2026, 6, 30)),
            self._run("2026 Q3", date(2026, 7, 1), date(2026, 9, 30)),
        )
        (q1 | q2 | q3).action_compute()
        (q1 | q2).with_user(self.spm_admin).action_approve()
        q1.with_user(self.finance).action_lock()
        self._run("2026 Q4", *Q4)  # not computed: nothing waits for anyone
        overview = _overview(self, self.finance, NOVEMBER_16)
        # Q2: rep2 20,000 of 80,000 (25 %, above the gate) x 5 % = 1,000; Q3: rep1 40,000 (50 %) x 5 % = 2,000
        self.assertEqual(
            [(run.name, run.state, run.total_amount) for run in overview.pending_run_ids],
            [("2026 Q2", "approved", 1_000.0), ("2026 Q3", "draft", 2_000.0)],
        )
        self.assertEqual(overview.to_lock_count, 1)
        # team A's year: 20,000 + 40,000 + 60,000 = 120,000 of 640,000: 18.75 %, read with finance's rights
        team = overview.team_line_ids
        self.assertEqual(team.team_id, self.team_a)
        self.assertEqual(team.actual_amount, 120_000)
        self.assertAlmostEqual(team.attainment, 18.75, places=2)
        # finance reads the teams' targets, not a salesperson's
        rep_lines = self.quota.line_ids.filtered(lambda line: line.user_id == self.rep1)
        self.assertFalse(self.env["spm.quota.line"].with_user(self.finance).search([("id", "in", rep_lines.ids)]))
        self.assertFalse(_overview(self, self.rep1, NOVEMBER_16).pending_run_ids, "a salesperson: none")


@tagged("post_install", "-at_install")
class TestOverviewBehind(SpmCommon):
    """Who is behind: one row per person and period (the worst of their plans), worst first, with
    attainment and pace; an administrator sees the company's people, and whether the setup runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # two quarterly plans of team A, equal split: A on sales, 200,000 a year per rep (50,000 a quarter),
        # B on invoices, twice that
        cls.plans = cls.env["spm.quota.plan"]
        for name, measure, amount in (
            ("Plan A", cls.measure_sales, 400_000),
            ("Plan B", cls.measure_invoiced, 800_000),
        ):
            plan = cls._plan(
                name=name, measure_id=measure.id, target_amount=amount, team_ids=[Command.set(cls.team_a.ids)],
                allocation_method="equal", time_split="quarter", expected_basis="working_days",
            )  # fmt: skip
            plan.action_allocate()
            plan.action_activate()
            cls.plans |= plan
        for rep, amount in ((cls.rep1, 10_000), (cls.rep2, 20_000)):
            cls._order(rep, amount, date(2026, 10, 20))
            cls._invoice(rep, amount, date(2026, 10, 20))
        cls.plans._refresh_figures(today=NOVEMBER_16)

    def test_one_row_per_person_and_period_worst_first(self):
        # 16 November: 228 of the year's 261 working days, 33 of Q4's 66. Pace = actual / (target x share):
        #   year A: rep1 10,000 / (200,000 x 228/261) = 5.7 %, rep2 11.4 %; year B: rep1 2.9 %, rep2 5.7 %
        #   Q4 A: rep1 10,000 / (50,000 x 33/66) = 40 %, rep2 80 % (not below 80); Q4 B: rep1 20 %, rep2 40 %
        # one row per person and period, the worst plan's (B), the lowest pace first
        expected = [
            # person, period, plan, attainment (actual / target), pace
            (self.rep1, "2026", "Plan B", 2.5, 2.9),
            (self.rep2, "2026", "Plan B", 5.0, 5.7),
            (self.rep1, "2026 Q4", "Plan B", 10.0, 20.0),
            (self.rep2, "2026 Q4", "Plan B", 20.0, 40.0),
        ]
        for user in (self.manager_a, self.spm_admin):  # the administrator leads team C only: the company's
            with self.subTest(user=user.name):
                rows = _overview(self, user, NOVEMBER_16).behind_line_ids
                self.assertEqual(
                    [
                        (row.user_id, row.period_label, row.plan_id.name, row.attainment, round(row.pace, 1))
                        for row in rows
                    ],
                    expected,
                )
        self.assertFalse(_overview(self, self.manager_b, NOVEMBER_16).behind_line_ids, "team B has no target")

    def test_administrator_sees_whether_the_setup_runs(self):
        overview = _overview(self, self.spm_admin, NOVEMBER_16)
        plans = self.env["spm.quota.plan"].search_count([("state", "=", "active")])
        commissions = self.env["spm.incentive.plan"].search_count([("state", "=", "active")])
        campaigns = self.env["spm.appraisal.campaign"].search_count([("state", "=", "running")])
        self.assertEqual(
            (overview.quota_plan_count, overview.incentive_plan_count, overview.campaign_count),
            (plans, commissions, campaigns),
        )
        self.assertGreaterEqual(plans, 2)
        commission = self.env["spm.incentive.plan"].create(
            {"name": "Commission", "date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31),
             "measure_id": self.measure_sales.id, "team_ids": [Command.set(self.team_a.ids)], "flat_rate": 5.0,
             "rate_type": "flat"}
        )  # fmt: skip
        commission.action_activate()
        campaign = self.env["spm.appraisal.campaign"].create(
            {"name": "2026 H2", "template_id": self.env.ref("spm_addon.spm_appraisal_template_sales").id,
             "date_from": date(2026, 7, 1), "date_to": date(2026, 12, 31),
             "team_ids": [Command.set(self.team_a.ids)]}
        )  # fmt: skip
        campaign.sudo().state = "running"
        overview = _overview(self, self.spm_admin, NOVEMBER_16)
        self.assertEqual((overview.incentive_plan_count, overview.campaign_count), (commissions + 1, campaigns + 1))
        failed = self.env["spm.job"].search_count([("state", "=", "failed")])
        self.assertEqual(overview.is_setup_complete, not failed)
        self.assertFalse(_overview(self, self.manager_a, NOVEMBER_16).is_setup_complete, "not a manager's question")
