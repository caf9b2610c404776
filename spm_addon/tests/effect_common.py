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
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpi = cls.env.ref("spm_addon.spm_kpi_revenue_attainment")
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
