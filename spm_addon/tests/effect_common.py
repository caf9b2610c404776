from calendar import monthrange
from datetime import date

from odoo import Command

from .common import SpmCommon


class TrainingEffectCommon(SpmCommon):
    """The effect of a course on the KPI it targets, from the KPI's own measure (confirmed sales by
    order date), on a small data set computed by hand.

    The course is completed on 1 April 2026 and measured over 30 days: before = 2 March .. 31 March,
    after = 2 April .. 1 May. Orders (untaxed):
        rep1 trained   15 March 1,000   15 April 1,600   change +600
        rep2 trained   15 March 2,000   15 April 2,300   change +300
        rep3           15 March   900   15 April 1,100   change +200
        rep4           15 March 1,900   15 April 2,000   change +100
        rep5           15 March 3,000   15 April 3,000   change    0
    The administrator is a member of the default sales team and sells nothing: 0 -> 0.
    The KPI reads the revenue itself against a fixed target: its effect reads in money. The shipped
    "Revenue attainment" is scored against the quota: its effect is measured in attainment
    (``_quota`` gives the salespeople quotas for it).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attainment_kpi = cls.env.ref("spm_addon.spm_kpi_revenue_attainment")
        cls.kpi = cls.attainment_kpi.copy(
            {"name": "Revenue", "code": "revenue_amount", "target_mode": "fixed", "target_value": 10_000}
        )
        cls.course = cls.env["spm.training.course"].create(
            {
                "name": "Value Selling",
                "kpi_ids": [Command.set(cls.kpi.ids)],
                "effect_days": 30,
                "effect_controls": 1,
                "effect_min_people": 2,
            }
        )
        figures = {cls.rep1: (1000, 1600), cls.rep2: (2000, 2300), cls.rep3: (900, 1100),
                   cls.rep4: (1900, 2000), cls.rep5: (3000, 3000)}  # fmt: skip
        for rep, (before, after) in figures.items():
            cls._order(rep, before, date(2026, 3, 15))
            cls._order(rep, after, date(2026, 4, 15))
        cls._order(cls.rep1, 50_000, date(2026, 4, 1))  # the completion day is in neither window
        cls._order(cls.rep1, 70_000, date(2026, 5, 2))  # nor is the day after the after window

    def _enrol(self, user, completion_date):
        enrolment = self.env["spm.training.enrolment"].create(
            {"user_id": user.id, "course_id": self.course.id, "date_enrolled": date(2026, 3, 1)}
        )
        enrolment._complete(completion_date, 90)
        return enrolment

    def _quota(self, targets):
        """An active 2026 plan of confirmed revenue whose salespeople have the monthly quotas ``targets``
        ({user: {month: target}}), on lines of their own."""
        plan = self._plan(name="Quotas 2026", allocation_method="equal")
        team_of = {user: self.teams.filtered(lambda team, user=user: user in team.member_ids)[:1] for user in targets}
        self.env["spm.quota.line"].create(
            [
                {"plan_id": plan.id, "level": "user", "team_id": team_of[user].id, "user_id": user.id,
                 "date_from": date(2026, month, 1), "date_to": date(2026, month, monthrange(2026, month)[1]),
                 "target": target}
                for user, months in targets.items()
                for month, target in months.items()
            ]
        )  # fmt: skip
        plan.action_activate()
        return plan
