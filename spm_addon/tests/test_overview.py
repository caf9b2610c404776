import xmlrpc.client
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SpmCommon
from .test_payout_access import PayoutWorld

TODAY = date(2026, 11, 16)


@tagged("post_install", "-at_install")
class TestOverview(SpmCommon):
    """The first screen answers each role's first question, from what the role may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # equal split: each rep of team A 200,000 for the year, 50,000 a quarter
        cls.plan = cls._plan(allocation_method="equal", time_split="quarter")
        cls.plan.action_allocate()
        cls.plan.action_activate()
        cls._order(cls.rep1, 180_000, date(2026, 2, 1))  # ahead for the year, nothing yet in Q4
        cls._order(cls.rep2, 190_000, date(2026, 10, 15))  # ahead for the year and in Q4
        cls.plan._refresh_figures(today=TODAY)

    def _overview(self, user):
        with freeze_time(TODAY):
            action = self.env["spm.overview"].with_user(user).action_open_mine()
            overview = self.env["spm.overview"].with_user(user).browse(action["res_id"])
            overview.mapped("my_line_ids")  # computed now, on the frozen day
            return overview, action

    def test_salesperson_sees_how_they_are_doing(self):
        overview, action = self._overview(self.rep1)
        self.assertEqual(action["res_model"], "spm.overview")
        xmlrpc.client.dumps((action,), allow_none=False)
        year = self._line(self.plan, level="user", user_id=self.rep1)
        lines = overview.my_line_ids
        self.assertEqual(overview.today, TODAY)
        # the year (180,000 of 200,000: 90 %) and the running quarter (0 of 50,000)
        self.assertEqual(lines[:1].period_type, "quarter")
        self.assertIn(year, lines)
        self.assertEqual(set(lines.mapped("user_id")), {self.rep1})
        self.assertAlmostEqual(year.attainment, 90.0)
        self.assertEqual(set(lines.mapped("date_from")), {date(2026, 1, 1), date(2026, 10, 1)})
        self.assertFalse(overview.team_line_ids, "a salesperson reads no team's targets")
        self.assertFalse(overview.behind_line_ids)
        self.assertEqual(overview.to_approve_count, 0)
        # the same record next time; nobody else opens it
        self.assertEqual(self._overview(self.rep1)[0], overview)
        with self.assertRaises(AccessError):
            overview.with_user(self.rep2).read(["my_line_ids"])
        with self.assertRaises(UserError):  # nothing on it is written: everything is computed
            overview.write({"user_id": self.rep2.id})

    def test_manager_sees_who_is_behind_in_the_teams_they_lead(self):
        overview, _action = self._overview(self.manager_a)
        # rep1's Q4: nothing of 50,000 while half of it was expected; rep2 is ahead; rep3 (team B)
        # is behind too, but not in manager_a's teams
        q4 = self.plan.line_ids.filtered(
            lambda line: line.user_id == self.rep1 and line.level == "period" and line.date_from == date(2026, 10, 1)
        )
        self.assertEqual(overview.behind_line_ids, q4)
        self.assertLess(q4.pace, self.plan.pace_threshold)
        other, _action = self._overview(self.manager_b)
        self.assertIn(self.rep3, other.behind_line_ids.user_id)
        self.assertNotIn(self.rep1, other.behind_line_ids.user_id)

    def test_administrator_sees_the_period(self):
        overview, _action = self._overview(self.spm_admin)
        self.assertEqual(overview.plan_ids, self.plan)
        self.assertEqual(overview.team_line_ids.team_id, self.teams)
        team_a = overview.team_line_ids.filtered(lambda line: line.team_id == self.team_a)
        # team A: 180,000 + 190,000 of 400,000
        self.assertAlmostEqual(team_a.attainment, 92.5)


@tagged("post_install", "-at_install")
class TestOverviewPayouts(PayoutWorld):
    """What waits for approval, and what a salesperson earns, on the overview."""

    def test_statements_to_approve_and_earnings(self):
        counts = {
            user: self.env["spm.overview"]
            .with_user(user)
            .browse(self.env["spm.overview"].with_user(user).action_open_mine()["res_id"])
            for user in (self.manager_a, self.manager_b, self.spm_admin, self.rep1, self.finance)
        }
        # team A: rep1 and rep2; team B: rep3 and rep4; an administrator approves any of the five
        self.assertEqual(counts[self.manager_a].to_approve_count, 2)
        self.assertEqual(counts[self.manager_b].to_approve_count, 2)
        self.assertEqual(counts[self.spm_admin].to_approve_count, 5)
        self.assertEqual(counts[self.rep1].to_approve_count, 0)
        self.assertEqual(counts[self.rep1].my_statement_ids.mapped("amount"), [1_000.0])  # 10 % of 10,000
        self.january.with_user(self.manager_a).action_approve()
        counts[self.manager_a].invalidate_recordset()
        self.assertEqual(counts[self.manager_a].to_approve_count, 0)
        action = counts[self.manager_b].action_open_to_approve()
        self.assertEqual(
            self.env["spm.payout.statement"].with_user(self.manager_b).search(action["domain"]).user_id,
            self.rep3 | self.rep4,
        )
        self.assertEqual(counts[self.finance].to_lock_count, 0)


@tagged("post_install", "-at_install")
class TestOverviewAlerts(SpmCommon):
    """The overview counts the open monitoring alerts its user may read, and opens them."""

    def test_open_alerts(self):
        rule = self.env["spm.monitor.rule"].create({"name": "Deals stuck", "kind": "stage_aging", "stage_days": 30})
        Hit = self.env["spm.monitor.hit"]
        for person, team, key in ((self.rep1, self.team_a, "a"), (self.rep3, self.team_b, "b")):
            Hit.create(
                {"rule_id": rule.id, "person_id": person.id, "team_id": team.id, "manager_id": team.user_id.id,
                 "res_model": "res.users", "res_id": person.id, "period_key": key, "date": TODAY}
            )  # fmt: skip
        Hit.create(  # closed: the deal moved on
            {"rule_id": rule.id, "person_id": self.rep1.id, "team_id": self.team_a.id, "res_model": "res.users",
             "res_id": self.rep1.id, "period_key": "old", "date": TODAY, "state": "closed"}
        )  # fmt: skip
        counts = {}
        for user in (self.rep1, self.manager_a, self.spm_admin):
            action = self.env["spm.overview"].with_user(user).action_open_mine()
            overview = self.env["spm.overview"].with_user(user).browse(action["res_id"])
            counts[user] = overview.alert_count
        # rep 1 their own open alert, manager A their team's (rep 1), the administrator both
        self.assertEqual(counts, {self.rep1: 1, self.manager_a: 1, self.spm_admin: 2})
        action = overview.action_open_alerts()
        self.assertEqual(action["res_model"], "spm.monitor.hit")
        self.assertEqual(len(Hit.with_user(self.spm_admin).search(action["domain"])), 2)


@tagged("post_install", "-at_install")
class TestOverviewEarlyInPeriod(SpmCommon):
    """Nobody is behind before a meaningful share of a period has elapsed, on the overview as in the
    pace alerts; lines say their plan and their period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # equal split, months by working days: rep1 and rep2 (team A) 200,000 for the year, 16,666.67 a month
        cls.plan = cls._plan(allocation_method="equal", time_split="month", expected_basis="working_days")
        cls.plan.action_allocate()
        cls.plan.action_activate()
        cls._order(cls.rep1, 180_000, date(2026, 2, 1))
        cls._order(cls.rep2, 190_000, date(2026, 10, 15))

    def _behind(self, day):
        self.plan._refresh_figures(today=day)
        with freeze_time(day):
            overview = self.env["spm.overview"].with_user(self.manager_a)
            overview = overview.browse(overview.action_open_mine()["res_id"])
            overview.invalidate_recordset()
            return overview.behind_line_ids

    def test_not_behind_three_days_into_a_month(self):
        self.assertEqual(self.plan.pace_alert_after, 20.0)

        def period(user, period_type, day):
            return self.plan.line_ids.filtered(
                lambda line: line.level == "period"
                and line.period_type == period_type
                and line.user_id == user
                and line.date_from == day
            )

        december, q4 = period(self.rep1, "month", date(2026, 12, 1)), period(self.rep1, "quarter", date(2026, 10, 1))
        # 3 December: rep1's December expects 16,666.67 x 3 / 23 working days = 2,173.91 and has 0: pace 0 %,
        # but only 3 of 31 days (9.7 %) of the month have elapsed, below 20 %: not behind. rep1's Q4 (nothing
        # sold since February) is 64 of 92 days (69.6 %) in: behind. rep2 sold 190,000 in October: ahead.
        behind = self._behind(date(2026, 12, 3))
        self.assertEqual(behind, q4, [(line.user_id.name, line.period_label, line.pace) for line in behind])
        self.assertAlmostEqual(december.expected_amount, 2_173.91, places=2)
        self.assertEqual(december.pace, 0.0)
        # the years are on pace: expected 200,000 x 241 / 261 working days = 184,674.33; rep1 at
        # 180,000 is at 97.5 %, rep2 at 190,000 at 102.9 %, both above the 80 % threshold
        year = self._line(self.plan, level="user", user_id=self.rep1)
        self.assertAlmostEqual(year.expected_amount, 184_674.33, places=2)
        self.assertAlmostEqual(year.pace, 97.5, places=1)
        # the lists colour a line red by the same rule, and the Behind Pace filter finds the same lines: the
        # year's 97.5 % is below 100 but above the threshold, December too early to say, Q4 behind
        with freeze_time(date(2026, 12, 3)):
            (q4 | december | year).invalidate_recordset(["is_behind"])
            self.assertEqual([q4.is_behind, december.is_behind, year.is_behind], [True, False, False])
            # (of the periods running on 3 December: the months rep1 sold nothing in are behind as well)
            rep1_lines = self.plan.line_ids.filtered(
                lambda line: line.user_id == self.rep1 and line.date_from <= date(2026, 12, 3) <= line.date_to
            )
            found = self.env["spm.quota.line"].search([("id", "in", rep1_lines.ids), ("is_behind", "=", True)])
            self.assertEqual(found, q4)
            found = self.env["spm.quota.line"].search([("id", "in", rep1_lines.ids), ("is_behind", "!=", True)])
            self.assertEqual(found, rep1_lines - q4)
        # 7 December: 7 of 31 days (22.6 %) have elapsed: December's 0 % is behind, for rep1 and rep2
        december_rep2 = period(self.rep2, "month", date(2026, 12, 1))
        self.assertEqual(self._behind(date(2026, 12, 7)), q4 | december | december_rep2)
        self.assertEqual((december | december_rep2).mapped("period_label"), ["2026-12", "2026-12"])
        self.assertEqual(q4.period_label, "2026 Q4")
        # the administrator's setting decides: at 0 %, 3 December's December lines are behind too
        self.plan.pace_alert_after = 0.0
        self.assertEqual(self._behind(date(2026, 12, 3)), q4 | december | december_rep2)

    def test_period_labels(self):
        year = self._line(self.plan, level="user", user_id=self.rep1)
        self.assertEqual(year.display_name, self.rep1.name)
        self.assertEqual(year.period_label, "2026")
        march = self.plan.line_ids.filtered(
            lambda line: line.level == "period" and line.user_id == self.rep1 and line.date_from == date(2026, 3, 1)
        )
        self.assertEqual(march.period_label, "2026-03")

    def test_pace_alerts_follow_the_same_rule(self):
        # 5 January: the year's first 3 working days, nothing sold by rep3 (team B): pace 0 %, but 5 of
        # 365 days (1.4 %) elapsed: no alert yet
        self.plan._refresh_figures(today=date(2026, 1, 5))
        rep3_year = self._line(self.plan, level="user", user_id=self.rep3)
        self.assertGreater(rep3_year.expected_amount, 0)
        self.assertEqual(rep3_year.pace, 0.0)
        self.assertFalse(self.plan._create_pace_alerts(today=date(2026, 1, 5)))
        # 13 March: 72 of 365 days (19.7 %), still none; 14 March: 73 of 365 days (20.0 %): alerts
        self.plan._refresh_figures(today=date(2026, 3, 13))
        self.assertFalse(self.plan._create_pace_alerts(today=date(2026, 3, 13)))
        self.plan._refresh_figures(today=date(2026, 3, 14))
        # each alert is in the language of the manager it is for: manager_b (team B, rep3) reads Chinese
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self.manager_b.lang = "zh_CN"
        alerts = self.plan._create_pace_alerts(today=date(2026, 3, 14))
        rep3_alert = alerts.filtered(lambda alert: alert.res_id == rep3_year.id)
        self.assertEqual(rep3_alert.user_id, self.manager_b)
        self.assertEqual(rep3_alert.summary, f"{self.rep3.name} 进度落后（0%）")
        # rep5 (team C, led by spm_admin, who reads English), nothing sold: in English
        rep5_alert = alerts.filtered(
            lambda alert: alert.res_id == self._line(self.plan, level="user", user_id=self.rep5).id
        )
        self.assertEqual((rep5_alert.user_id, rep5_alert.summary), (self.spm_admin, "Rep 5 is behind pace (0%)"))
        lines = self.env["spm.quota.line"].browse(alerts.mapped("res_id"))
        self.assertIn(rep3_year, lines)
        # rep1 is ahead (180,000 of a year), team A too (180,000 against 400,000 x 52 / 261 working days
        # = 79,693.49 expected)
        self.assertNotIn(self._line(self.plan, level="user", user_id=self.rep1), lines)
        self.assertNotIn(self._line(self.plan, level="team", team_id=self.team_a), lines)
