from datetime import datetime, time, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SpmCommon


class MonitorCommon(SpmCommon):
    """Rules of every kind on the small sales world, run as of today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env["spm.monitor.rule"])
        cls.Rule = cls.env["spm.monitor.rule"]
        cls.Hit = cls.env["spm.monitor.hit"]
        cls.stage_new, cls.stage_proposition = cls.env["crm.stage"].create(
            [{"name": "Monitor New", "sequence": 1}, {"name": "Monitor Proposition", "sequence": 3}]
        )
        cls.activity_type = cls.env.ref("spm_addon.mail_activity_type_spm_monitor")

    @classmethod
    def _lead(cls, name, user, stage, days_ago, team=None):
        lead = cls.env["crm.lead"].create(
            {
                "name": name,
                "type": "opportunity",
                "user_id": user.id,
                "team_id": (team or cls.team_a).id,
                "stage_id": stage.id,
                "expected_revenue": 10_000,
            }
        )
        moment = datetime.combine(cls.today - timedelta(days=days_ago), time(9))
        lead.write({"date_last_stage_update": moment})
        return lead

    @classmethod
    def _customer_order(cls, partner, user, days_ago):
        order = cls._order(user, 500, cls.today - timedelta(days=days_ago))
        order.partner_id = partner
        return order

    def _activities(self, records):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )


@tagged("post_install", "-at_install")
class TestMonitorStageAging(MonitorCommon):
    def test_stuck_deal_fires_once(self):
        stuck = self._lead("Stuck deal", self.rep1, self.stage_new, 45)
        fresh = self._lead("Fresh deal", self.rep1, self.stage_new, 10)
        # Proposition may last 60 days: 45 days there is no hit
        slow_stage = self._lead("Long proposition", self.rep2, self.stage_proposition, 45)
        rule = self.Rule.create(
            {
                "name": "Deals stuck",
                "kind": "stage_aging",
                "stage_days": 30,
                "responsible": "manager",
                "stage_limit_ids": [Command.create({"stage_id": self.stage_proposition.id, "days": 60})],
            }
        )
        hits = rule._run(self.today)
        self.assertEqual((hits.res_model, hits.res_id), ("crm.lead", stuck.id))
        # 45 days in stage against a limit of 30: 15 days over
        self.assertEqual((hits.value, hits.limit_value), (45, 30))
        self.assertIn("45 days in stage Monitor New", hits.figures)
        self.assertIn("15 days over", hits.figures)
        self.assertEqual((hits.person_id, hits.team_id, hits.manager_id), (self.rep1, self.team_a, self.manager_a))
        # one activity on the deal, for the team leader, with the figures
        activity = self._activities(stuck)
        self.assertEqual(len(activity), 1)
        self.assertEqual(hits.activity_id, activity)
        self.assertEqual(activity.user_id, self.manager_a)
        self.assertIn("45 days in stage", activity.note)
        self.assertFalse(self._activities(fresh | slow_stage))

        # the next day's run finds the same stay in the stage: nothing new
        self.assertFalse(rule._run(self.today + timedelta(days=1)))
        self.assertEqual(rule.hit_count, 1)
        self.assertEqual(len(self._activities(stuck)), 1)
        # the scheduled action runs every rule and adds nothing either
        self.Rule._cron_run()
        self.assertEqual(len(self._activities(stuck)), 1)

        # 70 days in Proposition exceeds its own limit of 60
        slow_stage.write({"date_last_stage_update": datetime.combine(self.today - timedelta(days=70), time(9))})
        later = rule._run(self.today)
        self.assertEqual((later.res_id, later.value, later.limit_value), (slow_stage.id, 70, 60))
        self.assertEqual(self._activities(slow_stage).user_id, self.manager_a)
        # the stuck deal moves on: the rule no longer finds it and closes its hit, the other stays open
        stuck.stage_id = self.stage_proposition
        self.assertFalse(rule._run(self.today))
        self.assertEqual(hits.state, "closed")
        self.assertEqual(later.state, "open")

    def test_activity_in_the_language_of_its_owner(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self.rep2.lang = "zh_CN"
        stuck = self._lead("Stuck deal", self.rep2, self.stage_new, 45)
        rule = self.Rule.create({"name": "Deals stuck", "kind": "stage_aging", "stage_days": 30})
        hit = rule._run(self.today)
        # 45 days in stage, limit 30, 15 over: rep2 reads Chinese, the list reads each reader's language
        self.assertIn("停留 45 天，上限 30 天（超出 15 天）", self._activities(stuck).note)
        self.assertIn("45 days in stage Monitor New", hit.with_context(lang="en_US").figures)
        self.assertIn("停留 45 天", hit.with_context(lang="zh_CN").figures)
        # the period found reads as words and a date in the reader's format, never as its key
        # ("<stage id>:<datetime>")
        since = self.today - timedelta(days=45)
        self.assertEqual(hit.with_context(lang="en_US").period, f"In stage Monitor New since {since:%m/%d/%Y}")
        self.assertEqual(
            hit.with_context(lang="zh_CN").period, f"自 {since.year}年{since:%m}月{since:%d}日 起处于阶段 Monitor New"
        )
        self.assertIn(f"{since.year}年{since:%m}月{since:%d}日", self._activities(stuck).note)

    def test_won_and_unassigned_deals_are_not_watched(self):
        won_stage = self.env["crm.stage"].create({"name": "Monitor Won", "is_won": True})
        self._lead("Won long ago", self.rep1, won_stage, 90)
        unassigned = self._lead("Nobody's", self.rep1, self.stage_new, 90)
        unassigned.user_id = False
        control = self._lead("Stuck and open", self.rep1, self.stage_new, 90)
        rule = self.Rule.create({"name": "Deals stuck", "kind": "stage_aging", "stage_days": 30})
        self.assertEqual(rule._run(self.today).res_id, control.id)


@tagged("post_install", "-at_install")
class TestMonitorChurn(MonitorCommon):
    def test_churn_hit_fires_once(self):
        regular = self.env["res.partner"].create({"name": "Regular Buyer", "user_id": self.rep2.id})
        steady = self.env["res.partner"].create({"name": "Steady Buyer"})
        # Regular Buyer ordered 100, 70 and 40 days ago: every 30 days, now 40 days without an order,
        # more than 30 + 5 days of grace: 5 days overdue
        for days_ago in (100, 70, 40):
            self._customer_order(regular, self.rep1, days_ago)
        # Steady Buyer ordered 60, 30 and 10 days ago: 10 days since, well within 30 + 5
        for days_ago in (60, 30, 10):
            self._customer_order(steady, self.rep3, days_ago)
        rule = self.Rule.create({"name": "Customers at risk", "kind": "churn_risk", "grace_days": 5})
        hits = rule._run(self.today).filtered(lambda h: h.res_id in (regular | steady).ids)
        self.assertEqual((hits.res_model, hits.res_id), ("res.partner", regular.id))
        self.assertEqual((hits.value, hits.limit_value), (40, 35))
        # the customer's salesperson (rep2), not the last order's (rep1), follows up
        self.assertEqual(hits.person_id, self.rep2)
        self.assertIn("No order for 40 days", hits.figures)
        self.assertIn("usually every 30 days", hits.figures)
        activity = self._activities(regular)
        self.assertEqual((len(activity), activity.user_id), (1, self.rep2))
        self.assertFalse(self._activities(steady))
        # a second run adds nothing
        self.assertFalse(rule._run(self.today + timedelta(days=1)).filtered(lambda h: h.res_id == regular.id))
        self.assertEqual(len(self._activities(regular)), 1)
        # a new order, then a new silence, is a new finding
        self._customer_order(regular, self.rep1, 0)
        self.assertFalse(rule._run(self.today).filtered(lambda h: h.res_id == regular.id))
        in_two_months = rule._run(self.today + relativedelta(months=2)).filtered(lambda h: h.res_id == regular.id)
        self.assertEqual(len(in_two_months), 1)
        self.assertEqual(len(self._activities(regular)), 2)


@tagged("post_install", "-at_install")
class TestMonitorPeople(MonitorCommon):
    def test_kpi_drop_against_own_history(self):
        month = self.today.replace(day=1) - relativedelta(months=1)
        # rep3 sold 1,000 / 1,100 / 900 / 1,000 ... for twelve months, then 100 last month.
        # History median 1,000; deviations 0 x 6, 50 x 2, 100 x 4: MAD 25, spread 1.4826 x 25 = 37.07;
        # z = (100 - 1,000) / 37.07 = -24.3, far beyond -3, and a 90 % drop
        history = [1000, 1100, 900, 1000, 1050, 950, 1000, 1000, 1100, 900, 1000, 1000]
        for index, amount in enumerate(history):
            self._order(self.rep3, amount, month - relativedelta(months=12 - index) + timedelta(days=4))
            # rep4 keeps selling the same
            self._order(self.rep4, amount, month - relativedelta(months=12 - index) + timedelta(days=4))
        self._order(self.rep3, 100, month + timedelta(days=9))
        self._order(self.rep4, 1000, month + timedelta(days=9))
        rule = self.Rule.create(
            {"name": "Revenue drop", "kind": "kpi_drop", "measure_id": self.measure_sales.id, "responsible": "manager"}
        )
        hits = rule._run(self.today)
        self.assertEqual(hits.person_id, self.rep3)
        self.assertEqual((hits.res_model, hits.res_id, hits.period_key), ("res.users", self.rep3.id, f"{month:%Y-%m}"))
        self.assertEqual((hits.value, hits.limit_value), (100, 1000))
        self.assertIn("(90% lower)", hits.figures)
        self.assertEqual(hits.period, f"{month:%B} {month.year}")  # last month, named
        # a salesperson has no activities: the hit holds it, for rep3's team leader
        activity = self._activities(hits)
        self.assertEqual(activity.user_id, self.manager_b)
        self.assertFalse(rule._run(self.today))
        # the EWMA chart flags it too: 0.3 x 100 + 0.7 x 1,000 = 730 under 1,000 - 3 x sigma x 0.3
        # (moving ranges average 1,000 / 11 = 90.9, sigma 80.6, limit 927.5)
        rule_ewma = rule.copy({"drop_method": "ewma"})
        hit = rule_ewma._run(self.today)
        self.assertEqual(hit.person_id, self.rep3)
        self.assertAlmostEqual(hit.limit_value, 1000 - 3 * (1000 / 11 / 1.128) * 0.3, places=2)

    def test_overdue_activities(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        for days_ago in (10, 5, 1):
            self.customer.activity_schedule(
                activity_type_id=todo.id, user_id=self.rep5.id, date_deadline=self.today - timedelta(days=days_ago)
            )
        self.customer.activity_schedule(
            activity_type_id=todo.id, user_id=self.rep4.id, date_deadline=self.today - timedelta(days=10)
        )
        # a salesperson in no team: their employee's manager follows up
        solo = new_test_user(self.env, "solo", groups="sales_team.group_sale_salesman,spm_addon.group_spm_user")
        boss = self.env["hr.employee"].create({"name": "Boss", "user_id": self.manager_a.id})
        self.env["hr.employee"].create({"name": "Solo", "user_id": solo.id, "parent_id": boss.id})
        for days_ago in (8, 9):
            self.customer.activity_schedule(
                activity_type_id=todo.id, user_id=solo.id, date_deadline=self.today - timedelta(days=days_ago)
            )
        # overdue by more than 3 days: rep5's of 10 and 5 days (2, the minimum), rep4's one (below it),
        # solo's two
        rule = self.Rule.create(
            {
                "name": "Overdue",
                "kind": "overdue_activity",
                "overdue_days": 3,
                "min_count": 2,
                "responsible": "manager",
            }
        )
        hits = rule._run(self.today).sorted(lambda h: h.person_id.id)
        self.assertEqual(hits.person_id, self.rep5 | solo)
        self.assertEqual(hits.mapped("value"), [2, 2])
        hit5 = hits.filtered(lambda h: h.person_id == self.rep5)
        # the oldest due ten days ago, as an English reader writes a date
        self.assertIn(f"the oldest due {self.today - timedelta(days=10):%m/%d/%Y}", hit5.figures)
        monday = self.today - timedelta(days=self.today.weekday())
        self.assertEqual(hit5.period, f"Week of {monday:%m/%d/%Y}")
        # rep5's team (C) is led by spm_admin; solo has no team, their employee's manager is Mia
        self.assertEqual(self._activities(hit5).user_id, self.spm_admin)
        self.assertEqual(self._activities(hits - hit5).user_id, self.manager_a)
        self.assertFalse(rule._run(self.today))

    def test_visits_below_norm(self):
        visit = self.env.ref("spm_addon.mail_activity_type_spm_visit")
        last_monday = self.today - timedelta(days=self.today.weekday() + 7)
        # rep1 visited 4 customers a week for 8 weeks, then 1 last week: norm 4, floor 80 % = 3.2
        # rep2 visited 4 a week and 4 last week
        plan = [(self.rep1, week, 4) for week in range(1, 9)] + [(self.rep1, 0, 1)]
        plan += [(self.rep2, week, 4) for week in range(9)]
        for user, weeks_before, count in plan:
            for _ in range(count):
                activity = self.env["mail.activity"].create(
                    {
                        "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                        "res_id": self.customer.id,
                        "activity_type_id": visit.id,
                        "user_id": user.id,
                    }
                )
                activity._action_done()
                done = self.env["mail.activity"].with_context(active_test=False).search([("id", "=", activity.id)])
                done.date_done = last_monday - timedelta(weeks=weeks_before) + timedelta(days=1)
        rule = self.Rule.create({"name": "Few visits", "kind": "visits_below_norm"})
        hits = rule._run(self.today)
        self.assertEqual((hits.person_id, hits.value, hits.limit_value), (self.rep1, 1, 3.2))
        self.assertIn("norm 4", hits.figures)
        self.assertFalse(rule._run(self.today))

    def test_administrator_writes_a_rule_in_the_form(self):
        with Form(self.Rule.with_user(self.spm_admin)) as form:
            form.name = "Deals stuck in Proposition"
            self.assertEqual(form.kind, "stage_aging")
            form.stage_days = 20
            with form.stage_limit_ids.new() as limit:
                limit.stage_id = self.stage_proposition
                limit.days = 45
            form.responsible = "manager"
        rule = form.record
        self.assertEqual((rule.stage_days, rule.stage_limit_ids.days, rule.company_id), (20, 45, self.company))
        self.assertEqual(rule.activity_type_id, self.activity_type)
        with Form(self.Rule.with_user(self.spm_admin)) as form:
            form.name = "Revenue drop"
            form.kind = "kpi_drop"
            form.measure_id = self.measure_sales
            form.drop_method = "ewma"
        self.assertEqual(form.record.measure_id, self.measure_sales)

    def test_parameters_are_checked(self):
        with self.assertRaises(ValidationError):
            self.Rule.create({"name": "No measure", "kind": "kpi_drop"})
        with self.assertRaises(ValidationError):
            self.Rule.create({"name": "Short norm", "kind": "visits_below_norm", "norm_weeks": 2})
        self.assertFalse(self.Rule.search([("name", "in", ("No measure", "Short norm"))]))


@tagged("post_install", "-at_install")
class TestMonitorAccess(MonitorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._lead("Rep1 stuck", cls.rep1, cls.stage_new, 45)
        cls._lead("Rep3 stuck", cls.rep3, cls.stage_new, 45, team=cls.team_b)
        cls.rule = cls.Rule.create({"name": "Deals stuck", "kind": "stage_aging", "stage_days": 30})
        cls.hits = cls.rule._run(cls.today)
        cls.hit1 = cls.hits.filtered(lambda h: h.person_id == cls.rep1)
        cls.hit3 = cls.hits.filtered(lambda h: h.person_id == cls.rep3)
        cls.company2 = cls.env["res.company"].create({"name": "Other Company", "currency_id": cls.currency.id})
        cls.spm_admin.company_ids = [Command.link(cls.company2.id)]
        rule2 = cls.Rule.create({"name": "Other deals", "kind": "stage_aging", "company_id": cls.company2.id})
        cls.hit_other = cls.Hit.create(
            {
                "rule_id": rule2.id,
                "person_id": cls.rep1.id,
                "res_model": "res.users",
                "res_id": cls.rep1.id,
                "period_key": "x",
                "date": cls.today,
            }
        )

    def _visible(self, user, companies=None):
        hits = self.Hit.with_user(user)
        if companies:
            hits = hits.with_context(allowed_company_ids=companies.ids)
        return hits.search([("id", "in", (self.hits | self.hit_other).ids)])

    def test_who_sees_which_hit(self):
        self.assertEqual(self._visible(self.rep1), self.hit1)
        self.assertEqual(self._visible(self.rep3), self.hit3)
        self.assertEqual(self._visible(self.manager_a), self.hit1)
        self.assertEqual(self._visible(self.manager_b), self.hit3)
        self.assertEqual(self._visible(self.spm_admin, self.company), self.hits)
        self.assertEqual(self._visible(self.spm_admin, self.company | self.company2), self.hits | self.hit_other)
        # the other company's rule is the administrator's only with that company on
        rules = self.Rule.with_user(self.spm_admin).with_context(allowed_company_ids=self.company.ids)
        self.assertFalse(rules.search([("company_id", "=", self.company2.id)]))
        self.assertFalse(self.Hit.with_user(self.rep1).search([("id", "=", self.hit_other.id)]))

    def test_salespeople_do_not_write_hits_nor_run_rules(self):
        with self.assertRaises(AccessError):
            self.hit1.with_user(self.rep1).write({"value": 0})
        with self.assertRaises(AccessError):
            self.Hit.with_user(self.rep1).create(
                {
                    "rule_id": self.rule.id,
                    "person_id": self.rep1.id,
                    "res_model": "res.users",
                    "res_id": self.rep1.id,
                    "period_key": "y",
                    "date": self.today,
                }
            )
        with self.assertRaises(AccessError):
            self.rule.with_user(self.rep1).action_run()
        with self.assertRaises(AccessError):
            self.rule.with_user(self.manager_a).write({"stage_days": 1})
        # their own hit they close; another's they cannot even read
        self.hit1.with_user(self.rep1).action_close()
        self.assertEqual(self.hit1.state, "closed")
        with self.assertRaises(AccessError):
            self.hit3.with_user(self.rep1).action_close()
        self.assertEqual(self.hit3.state, "open")

    def test_administrator_runs_and_edits_rules(self):
        self.rule.with_user(self.spm_admin).write({"stage_days": 40})
        action = self.rule.with_user(self.spm_admin).action_run()
        self.assertEqual(action["res_model"], "spm.monitor.hit")
        # 45 days is still above 40: the same stays in the stage, no new hit
        self.assertEqual(self.rule.hit_count, 2)


@tagged("post_install", "-at_install")
class TestMonitorInBackground(SpmCommon):
    """Run Now over more salespeople than a web request serves: a background job, run once."""

    def test_run_now_queues_a_job(self):
        stage = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        lead = self.env["crm.lead"].create(
            {"name": "Stuck", "type": "opportunity", "user_id": self.rep1.id, "team_id": self.team_a.id,
             "stage_id": stage.id, "company_id": self.env.company.id}
        )  # fmt: skip
        lead.write({"date_last_stage_update": fields.Datetime.now() - timedelta(days=45)})
        rule = self.env["spm.monitor.rule"].create({"name": "Deals stuck", "kind": "stage_aging", "stage_days": 30})
        with patch("odoo.addons.spm_addon.models.spm_job_mixin.BACKGROUND_ABOVE", 2):
            action = rule.with_user(self.spm_admin).action_run()
        self.assertEqual(action["tag"], "display_notification")
        self.assertFalse(rule.hit_count)  # the button only queued the round
        job = rule.job_id
        self.assertEqual((job.state, job.user_id), ("queued", self.spm_admin))
        job._run_batch()
        self.assertEqual(job.state, "done")
        rule.invalidate_recordset(["hit_count"])
        self.assertEqual(rule.hit_count, 1)
        self.assertIn("Run of Deals stuck", rule.message_ids[0].body)
