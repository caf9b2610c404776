from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from .common import SpmCommon
from .payout_common import JANUARY, PayoutCommon

# Queries a screen may take at most (measured, with room): the figure that must hold is that the count
# does not grow with the number of rows shown, which each test checks on a small and a larger case.
BUDGET = {"overview": 40, "list": 12, "appraisal": 40, "statement": 16, "what_if": 35}


@tagged("post_install", "-at_install")
class TestQueryCounts(PayoutCommon):
    """N+1 never comes back: the main screens (the Overview of each role, My Targets, a plan's cascade,
    an appraisal, a statement with its lines, What-If) read as the web client reads them take as many
    queries for a few rows as for twice or three times as many.

    Team A (manager_a) has 2 salespeople, team B (manager_b) 4; rep1 sells once in January, rep3 three
    times, so rep3's statement has three lines to rep1's one."""

    @classmethod
    def setUpClass(cls):
        super(PayoutCommon, cls).setUpClass()  # SpmCommon's world, then team B grows before the plans
        more = [
            new_test_user(cls.env, f"rep_b{i}", groups="sales_team.group_sale_salesman,spm_addon.group_spm_user")
            for i in (1, 2)
        ]
        cls.team_b.member_ids = [Command.link(user.id) for user in more]
        cls._monthly_quotas(cls.measure_sales)
        cls.plan = cls._commission_plan(flat_rate=5.0)
        cls._order(cls.rep1, 1000, date(2026, 1, 10))
        for day in (5, 12, 19):
            cls._order(cls.rep3, 1000, date(2026, 1, day))
        cls.january = cls._run(cls.plan, JANUARY)

    def _queries(self, read):
        """Queries of ``read``, its third time (the first ones warm the caches of access rights and
        views, as a user's first screens of the day do: the first fills the record cache as superuser
        where the screen reads with sudo, so that the record rules of what it then reads as the user are
        looked up only the second time)."""
        for _warm in range(2):
            read()
            self.env.flush_all()
            self.env.invalidate_all()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        read()
        return self.cr.sql_log_count - before

    def _same(self, screen, small, large):
        counts = (self._queries(small), self._queries(large))
        self.assertEqual(counts[0], counts[1], f"{screen}: queries grow with the rows shown {counts}")
        self.assertLessEqual(counts[1], BUDGET[screen], f"{screen}: {counts[1]} queries")

    def _list_spec(self, model, action_xmlid):
        """What the web client asks of a list view: its fields, with display names of relations."""
        action = self.env.ref(action_xmlid)
        view_id = (action.view_id or self.env["ir.ui.view"]).id
        views = self.env[model].get_views([(view_id, "list")])
        fields_info = views["models"][model]["fields"]
        arch = etree.fromstring(views["views"]["list"]["arch"])
        spec = {}
        for node in arch.xpath("./field"):
            info = fields_info[node.get("name")]
            relational = info["type"] in ("many2one", "many2many", "one2many")
            spec[node.get("name")] = {"fields": {"display_name": {}}} if relational else {}
        return spec

    @staticmethod
    def _form_read(record):
        spec = Form(record)._view["fields_spec"]
        return lambda: record.web_read(spec)

    @freeze_time("2026-01-20")
    def test_overview_of_each_role(self):
        Overview = self.env["spm.overview"]

        def overview(user):
            record = Overview.with_user(user).search([("user_id", "=", user.id)]) or Overview.sudo().create(
                {"user_id": user.id}
            )
            return self._form_read(record.with_user(user))

        # a manager of 2 salespeople behind pace, and of 4
        self._same("overview", overview(self.manager_a), overview(self.manager_b))
        # a salesperson with one order and one statement line, and with three
        self._same("overview", overview(self.rep1), overview(self.rep3))
        for user in (self.spm_admin, self.finance):
            self.assertLessEqual(self._queries(overview(user)), BUDGET["overview"])

    def test_my_targets_and_the_cascade(self):
        spec = self._list_spec("spm.quota.line", "spm_addon.spm_quota_line_action_my")

        def targets(user, domain):
            return lambda: self.env["spm.quota.line"].with_user(user).web_search_read(domain, spec)

        self._same("list", targets(self.rep1, [("user_id", "=", self.rep1.id)]), targets(self.rep3, []))
        # the cascade of a plan: a leader of 2 salespeople reads 4 lines of a month's plan, of 4 reads 6
        plan = self.env["spm.quota.plan"].search([("name", "=", "January")])
        self._same(
            "list",
            targets(self.manager_a, [("plan_id", "=", plan.id)]),
            targets(self.manager_b, [("plan_id", "=", plan.id)]),
        )

    def test_statement_with_its_lines(self):
        small, large = (self._statement(self.january, user) for user in (self.rep1, self.rep3))
        self.assertEqual((len(small.line_ids), len(large.line_ids)), (1, 3))
        self._same(
            "statement", self._form_read(small.with_user(self.rep1)), self._form_read(large.with_user(self.rep3))
        )

    def test_what_if(self):
        def what_if(user):
            Simulate = self.env["spm.payout.simulate"].with_user(user)

            def read():
                wizard = Simulate.create({"plan_id": self.plan.id, "user_id": user.id})
                wizard.read(["target", "credited_amount", "attainment", "projected_amount", "detail"])

            return read

        with freeze_time("2026-01-20"):
            self._same("what_if", what_if(self.rep1), what_if(self.rep3))


@tagged("post_install", "-at_install")
class TestAppraisalQueryCount(SpmCommon):
    """An appraisal's form reads in as many queries whoever's it is and whatever its manager rated."""

    def test_appraisal(self):
        for rep in self.reps:
            self.env["hr.employee"].create({"name": rep.name, "user_id": rep.id})
        campaign = self.env["spm.appraisal.campaign"].create(
            {"name": "Q1", "template_id": self.env.ref("spm_addon.spm_appraisal_template_sales").id,
             "date_from": date(2026, 1, 1), "date_to": date(2026, 3, 31),
             "team_ids": [Command.set((self.team_a | self.team_b).ids)]}
        )  # fmt: skip
        campaign.action_start()
        first, second = (
            campaign.appraisal_ids.filtered(lambda appraisal, user=user: appraisal.employee_id.user_id == user)
            for user in (self.rep1, self.rep3)
        )
        second.line_ids.filtered(lambda line: line.kind == "criterion").write({"manager_rating": "3"})
        counts = [
            TestQueryCounts._queries(self, TestQueryCounts._form_read(appraisal.with_user(manager)))
            for appraisal, manager in ((first, self.manager_a), (second, self.manager_b))
        ]
        self.assertEqual(counts[0], counts[1], f"appraisal: {counts}")
        self.assertLessEqual(counts[1], BUDGET["appraisal"])
