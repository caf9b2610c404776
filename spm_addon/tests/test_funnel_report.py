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
        Lead = cls.env["crm.lead"]

        def lead(name, user, team, stage, revenue, created, closed=None, outcome=None):
            record = Lead.create(
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

        # team A: L1 won (10 days), L2 lost in Qualified (20 days), L3 open in Proposition, L4 won (30 days:
        # 1 February to 3 March 2026); team B: L5 lost in New (6 days), L6 open in New
        cls.leads = (
            lead("L1", cls.rep1, cls.team_a, cls.proposition, 1000, date(2026, 1, 1), date(2026, 1, 11), "won")
            | lead("L2", cls.rep1, cls.team_a, cls.qualified, 500, date(2026, 1, 5), date(2026, 1, 25), "lost")
            | lead("L3", cls.rep2, cls.team_a, cls.proposition, 300, date(2026, 1, 20))
            | lead("L4", cls.rep2, cls.team_a, cls.new, 2000, date(2026, 2, 1), date(2026, 3, 3), "won")
            | lead("L5", cls.rep3, cls.team_b, cls.new, 100, date(2026, 2, 10), date(2026, 2, 16), "lost")
            | lead("L6", cls.rep3, cls.team_b, cls.new, 50, date(2026, 2, 20))
        )
        cls.env.invalidate_all()

    def _by(self, user, groupby, aggregates):
        report = self.env["spm.funnel.report"].with_user(user)
        groups = report._read_group([("lead_id", "in", self.leads.ids)], [groupby], aggregates)
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
        # the whole funnel: 15 stages reached, 8 of them by a won deal: 8/15 = 53.3 %, not the average of the
        # stages' percentages (33.3 + 50 + 66.7 + 100) / 4 = 62.5 %
        total = self.env["spm.funnel.report"]._read_group(
            [("lead_id", "in", self.leads.ids)], [], ["reached_count:sum", "won_count:sum", "conversion:avg"]
        )[0]
        self.assertEqual((total[0], total[1], round(total[2], 1)), (15, 8, 53.3))

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
        # rep 1 reads L1 and L2 (4 + 2 rows, won 4): 4/6 = 66.7 %; manager A their team's L1-L4: 13 rows, won 8,
        # cycle (10 + 20 + 30) / 3 = 20 days; rep 3 L5 and L6 (2 rows, none won)
        def total(user):
            report = self.env["spm.funnel.report"].with_user(user)
            reached, won, conversion, cycle = report._read_group(
                [("lead_id", "in", self.leads.ids)], [],
                ["reached_count:sum", "won_count:sum", "conversion:avg", "cycle_days:avg"],
            )[0]  # fmt: skip
            return reached, won, round(conversion, 1), cycle

        self.assertEqual(total(self.rep1), (6, 4, 66.7, 15.0))
        self.assertEqual(total(self.manager_a), (13, 8, 61.5, 20.0))
        self.assertEqual(total(self.rep3), (2, 0, 0.0, 6.0))

    def test_open_the_opportunity(self):
        row = self.env["spm.funnel.report"].search([("lead_id", "=", self.leads[1].id)], limit=1)
        action = row.with_user(self.rep1).action_open_lead()
        self.assertEqual((action["res_model"], action["res_id"]), ("crm.lead", self.leads[1].id))
