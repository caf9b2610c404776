from datetime import date

from odoo import Command

from .common import SpmCommon

JANUARY = (date(2026, 1, 1), date(2026, 1, 31))
FEBRUARY = (date(2026, 2, 1), date(2026, 2, 28))
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


class PayoutCommon(SpmCommon):
    """Monthly quotas and a commission plan of the year.

    January and February quotas of confirmed sales: 600,000 a month equally over the three teams,
    so rep1, rep2, rep3 and rep4 have 100,000 a month, rep5 (alone in team C) 200,000.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._monthly_quotas(cls.measure_sales)

    @classmethod
    def _monthly_quotas(cls, measure, prefix=""):
        """Active quota plans of ``measure`` for January and February: 600,000 a month equally over the
        three teams (100,000 for each of rep1-rep4, 200,000 for rep5)."""
        for name, (date_from, date_to) in (("January", JANUARY), ("February", FEBRUARY)):
            quota = cls._plan(
                name=f"{prefix}{name}",
                measure_id=measure.id,
                date_from=date_from,
                date_to=date_to,
                target_amount=600_000,
                allocation_method="equal",
                time_split="none",
            )
            quota.action_allocate()
            quota.action_activate()

    @classmethod
    def _commission_plan(cls, tiers=(), **vals):
        """A plan of 2026 on confirmed sales for teams A, B and C; ``tiers`` are (lower, upper, rate %)."""
        return cls.env["spm.incentive.plan"].create(
            {
                "name": "2026 Commission",
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 12, 31),
                "measure_id": cls.measure_sales.id,
                "team_ids": [Command.set(cls.teams.ids)],
                "rate_type": "progressive" if tiers else "flat",
                "tier_ids": [Command.create({"lower": lo, "upper": up, "rate": rate}) for lo, up, rate in tiers],
                **vals,
            }
        )

    @classmethod
    def _run(cls, plan, period=JANUARY, name=None):
        """A computed run of ``plan`` over ``period`` (the superuser computes it, as a server job would)."""
        run = cls.env["spm.payout.run"].create(
            {"name": name or period[0].strftime("%B"), "plan_id": plan.id, "date_from": period[0], "date_to": period[1]}
        )
        run.action_compute()
        return run

    def _lock(self, run):
        """Approved by an administrator (every statement), locked by finance."""
        run.with_user(self.spm_admin).action_approve()
        run.with_user(self.finance).action_lock()
        self.assertEqual(run.state, "locked")

    @staticmethod
    def _statement(run, user):
        return run.statement_ids.filtered(lambda statement: statement.user_id == user)
