from datetime import date

from odoo.tests import tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestFunnelReport(SpmCommon):
    """The sales funnel on six opportunities computed by hand, over Odoo's four stages New (1),
    Qualified (2), Proposition (3) and Won (70)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new, cls.qualified, cls.proposition, cls.won = (cls.env.ref(f"crm.stage_lead{i}") for i in (1, 2, 3, 4))
        # team A: L1 won (10 days), L2 lost in Qualified (20 days), L3 open in Proposition, L4 won (30 days:
        # 1 February to 3 March 2026); team B: L5 lost in New (6 days), L6 open in New
        cls.leads = (
            cls._lead("L1", cls.rep1, cls.team_a, cls.proposition, 1000, date(2026, 1, 1), date(2026, 1, 11), "won")
            | cls._lead("L2", cls.rep1, cls.team_a, cls.qualified, 500, date(2026, 1, 5), date(2026, 1, 25), "lost")
            | cls._lead("L3", cls.rep2, cls.team_a, cls.proposition, 300, date(2026, 1, 20))
            | cls._lead("L4", cls.rep2, cls.team_a, cls.new, 2000, date(2026, 2, 1), date(2026, 3, 3), "won")
            | cls._lead("L5", cls.rep3, cls.team_b, cls.new, 100, date(2026, 2, 10), date(2026, 2, 16), "lost")
            | cls._lead("L6", cls.rep3, cls.team_b, cls.new, 50, date(2026, 2, 20))
        )
        cls.env.invalidate_all()

    @classmethod
    def _lead(cls, name, user, team, stage, revenue, created, closed=None, outcome=None):
        record = cls.env["crm.lead"].create(
            {"name": name, "type": "opportunity", "user_id": user.id, "team_id": team.id,
             "stage_id": stage.id, "expected_revenue": revenue}
        )  # fmt: skip
        if outcome == "won":
            record.action_set_won()
        elif outcome == "lost":
            record.action_set_lost()
        record.flush_recordset()
        cls.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_closed = %s WHERE id = %s", (created, closed, record.id)
        )
        return record

    def _by(self, user, groupby, aggregates, leads=None):
        report = self.env["spm.funnel.report"].with_user(user)
        groups = report._read_group([("lead_id", "in", (leads or self.leads).ids)], [groupby], aggregates)
        return {group[0]: tuple(round(value, 1) if isinstance(value, float) else value for value in group[1:])
                for group in groups}  # fmt: skip

    def test_conversion_by_stage(self):
        # reached: New all 6; Qualified L1 L2 L3 L4 (a won deal went through every stage before Won);
        # Proposition L1 L3 L4; Won L1 L4. Won among them: L1 and L4 everywhere.
        # conversion = won / reached: 2/6 = 33.3 %, 2/4 = 50 %, 2/3 = 66.7 %, 2/2 = 100 %
        by_stage = self._by(self.spm_admin, "stage_id", ["reached_count:sum", "won_count:sum", "conversion:avg"])
        self.assertEqual(
            by_stage,
            {self.new: (6, 2, 33.3), self.qualified: (4, 2, 50.0), self.proposition: (3, 2, 66.7),
             self.won: (2, 2, 100.0)},
        )  # fmt: skip
        # the whole funnel: 6 opportunities entered, 2 won: 2/6 = 33.3 %, not the sum over stages (15 reached,
        # 8 won: 53.3 %) nor the average of the stages' percentages (33.3 + 50 + 66.7 + 100) / 4 = 62.5 %
        total = self.env["spm.funnel.report"]._read_group(
            [("lead_id", "in", self.leads.ids)], [], ["reached_count:sum", "won_count:sum", "conversion:avg"]
        )[0]
        self.assertEqual((total[0], total[1], round(total[2], 1)), (6, 2, 33.3))

    def test_total_is_the_funnel_win_rate(self):
        """Twenty opportunities of one salesperson: 20 entered, 12 reached Qualified, 8 Proposition, 5 won.
        Their row and the total read 20 entered and 5 won, 25 %, not the 45 and 20 a sum over stages gives."""
        created = date(2026, 4, 1)
        leads = self.env["crm.lead"]
        # 5 won (through New, Qualified, Proposition, Won), 3 more in Proposition (2 open, 1 lost), 4 in
        # Qualified (3 open, 1 lost), 8 in New (6 open, 2 lost): 20 in New, 5 + 3 + 4 = 12 in Qualified,
        # 5 + 3 = 8 in Proposition, 5 in Won
        for i in range(5):
            leads |= self._lead(f"W{i}", self.rep5, self.team_c, self.proposition, 100, created, created, "won")
        for i, outcome in enumerate((None, None, "lost")):
            leads |= self._lead(f"P{i}", self.rep5, self.team_c, self.proposition, 100, created, None, outcome)
        for i, outcome in enumerate((None, None, None, "lost")):
            leads |= self._lead(f"Q{i}", self.rep5, self.team_c, self.qualified, 100, created, None, outcome)
        for i, outcome in enumerate((None,) * 6 + ("lost", "lost")):
            leads |= self._lead(f"N{i}", self.rep5, self.team_c, self.new, 100, created, None, outcome)
        self.env.invalidate_all()
        self.assertEqual(len(leads), 20)
        aggregates = ["reached_count", "won_count", "conversion", "advanced_count", "stage_conversion"]
        domain = [("lead_id", "in", leads.ids)]

        def read(user, groupby, lazy=True):
            # as the pivot asks: the measures with their aggregators, one read_group per header
            report = self.env["spm.funnel.report"].with_user(user)
            return report.read_group(domain, aggregates, groupby, lazy=lazy)

        def figures(group):
            """(reached, won, win rate, moved on, stage conversion), the percentages to one decimal."""
            return tuple(
                round(group[name], 1) if isinstance(group[name], float) else group[name] for name in aggregates
            )

        for user in (self.rep5, self.spm_admin):
            # stage rows: reached 20, 12, 8, 5; won 5 in each; win rate 5/20 = 25 %, 5/12 = 41.7 %,
            # 5/8 = 62.5 %, 5/5 = 100 %; moved on to a later stage 12, 8, 5 (the won ones), none after Won:
            # stage conversion 12/20 = 60 %, 8/12 = 66.7 %, 5/8 = 62.5 %, empty for Won
            by_stage = {group["stage_id"][0]: figures(group) for group in read(user, ["stage_id"])}
            self.assertEqual(
                by_stage,
                {self.new.id: (20, 5, 25.0, 12, 60.0), self.qualified.id: (12, 5, 41.7, 8, 66.7),
                 self.proposition.id: (8, 5, 62.5, 5, 62.5), self.won.id: (5, 5, 100.0, 0, False)},
            )  # fmt: skip
            # the salesperson's row, the team's, the month's and the total: 20 entered, 5 won, 5/20 = 25 %;
            # 12 got past New, their first stage: 12/20 = 60 %
            for groupby in (["user_id"], ["team_id"], ["create_date:month"], []):
                (group,) = read(user, groupby)
                self.assertEqual(figures(group), (20, 5, 25.0, 12, 60.0), groupby)
        # a stage crossed with the salesperson (a pivot's cell) stays the stage's: 12 reached Qualified, 5 won
        (cell,) = (
            group
            for group in read(self.spm_admin, ["stage_id", "user_id"], lazy=False)
            if group["stage_id"][0] == self.qualified.id
        )
        self.assertEqual((cell["reached_count"], cell["won_count"]), (12, 5))

    def test_each_opportunity_counts_once(self):
        # the own stage's row carries the opportunity: 6 of them, expected revenue 1000 + 500 + 300 + 2000 +
        # 100 + 50 = 3950; cycle time of the closed ones (10 + 20 + 30 + 6) / 4 = 16.5 days
        by_status = self._by(
            self.spm_admin, "status", ["opportunity_count:sum", "expected_revenue:sum", "cycle_days:avg"]
        )
        self.assertEqual(by_status, {"won": (2, 3000.0, 20.0), "lost": (2, 600.0, 13.0), "open": (2, 350.0, False)})
        total = self.env["spm.funnel.report"]._read_group(
            [("lead_id", "in", self.leads.ids)], [], ["opportunity_count:sum", "expected_revenue:sum", "cycle_days:avg"]
        )[0]
        self.assertEqual(total, (6, 3950.0, 16.5))
        # a lost deal stays in the stage where it was lost
        row = self.env["spm.funnel.report"].search([("lead_id", "=", self.leads[1].id), ("is_lead_stage", "=", True)])
        self.assertEqual(
            (row.stage_id, row.status, row.date_closed, row.cycle_days), (self.qualified, "lost", date(2026, 1, 25), 20)
        )
        self.assertEqual(len(self.env["spm.funnel.report"].search([("lead_id", "=", self.leads[1].id)])), 2)

    def test_read_as_salesperson_and_manager(self):
        # each opportunity counted once: rep 1 reads L1 and L2, 1 won: 1/2 = 50 %, cycle (10 + 20) / 2 = 15 days;
        # manager A their team's L1-L4, 2 won: 2/4 = 50 %, cycle (10 + 20 + 30) / 3 = 20 days; rep 3 L5 and
        # L6, none won, cycle 6 days
        def total(user):
            report = self.env["spm.funnel.report"].with_user(user)
            reached, won, conversion, cycle = report._read_group(
                [("lead_id", "in", self.leads.ids)], [],
                ["reached_count:sum", "won_count:sum", "conversion:avg", "cycle_days:avg"],
            )[0]  # fmt: skip
            return reached, won, round(conversion, 1), cycle

        self.assertEqual(total(self.rep1), (2, 1, 50.0, 15.0))
        self.assertEqual(total(self.manager_a), (4, 2, 50.0, 20.0))
        self.assertEqual(total(self.rep3), (2, 0, 0.0, 6.0))

    def test_open_the_opportunity(self):
        row = self.env["spm.funnel.report"].search([("lead_id", "=", self.leads[1].id)], limit=1)
        action = row.with_user(self.rep1).action_open_lead()
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", self.leads[1].id))
