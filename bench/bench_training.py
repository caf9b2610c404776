"""Benchmark of a training's effect report at bench scale (issue 14).

    python3 bench/bench_training.py -d spm_bench [--share 3] [--dates 26] [--days 90]

Creates a course targeting revenue attainment (confirmed sales), completes it for one salesperson in
``--share`` of the first company's teams' members, on ``--dates`` distinct days a week apart ending
``--days`` days before the data's last order, and times (a) the effect report (two grouped queries of
the KPI's measure per completion date, the matching and the bootstrap), then (b) every trained
person's before and after in hand-written SQL (one statement), and compares them, then (c) what the
report reads, every salesperson's before and after around every completion date, in one statement. Everything is rolled
back at the end.
"""

import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(__file__))

from common import Timer, environment, parse_args, peak_memory_mb

RAW_SQL = """
WITH trained AS (
    SELECT * FROM unnest(%(users)s::int[], %(days)s::date[]) AS t(user_id, day)
)
SELECT t.user_id,
       COALESCE(SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1))
                FILTER (WHERE o.date_order < t.day), 0) AS before,
       COALESCE(SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1))
                FILTER (WHERE o.date_order >= t.day + 1), 0) AS after
  FROM trained t
  LEFT JOIN sale_order o
    ON o.user_id = t.user_id AND o.state = 'sale' AND o.company_id = %(company)s
   AND o.date_order >= t.day - %(window)s AND o.date_order < t.day + %(window)s + 1
   AND NOT (o.date_order >= t.day AND o.date_order < t.day + 1)
 GROUP BY t.user_id
"""

# What the report reads: every salesperson's before / after around every completion date
RAW_ALL_SQL = """
WITH d AS (SELECT DISTINCT unnest(%(days)s::date[]) AS day)
SELECT d.day, o.user_id,
       SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)) FILTER (WHERE o.date_order < d.day),
       SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)) FILTER (WHERE o.date_order >= d.day + 1)
  FROM d
  JOIN sale_order o
    ON o.state = 'sale' AND o.company_id = %(company)s
   AND o.date_order >= d.day - %(window)s AND o.date_order < d.day + %(window)s + 1
   AND NOT (o.date_order >= d.day AND o.date_order < d.day + 1)
 GROUP BY d.day, o.user_id
"""


def main():
    args = parse_args(
        __doc__,
        extra=[
            ("--share", {"type": int, "default": 3, "help": "one salesperson in SHARE is trained"}),
            ("--dates", {"type": int, "default": 26, "help": "distinct completion dates"}),
            ("--days", {"type": int, "default": 90, "help": "the effect window"}),
        ],
    )
    timer = Timer()
    with environment(args) as env:
        from odoo.addons.spm_addon.engine.training_effect import windows  # once the addons path is set

        company = env["crm.team"].search([("member_ids", "!=", False)], limit=1, order="id desc").company_id
        teams = env["crm.team"].search([("company_id", "=", company.id), ("member_ids", "!=", False)])
        members = env["crm.team.member"].search([("crm_team_id", "in", teams.ids)], order="id")
        env.cr.execute("SELECT MAX(date_order)::date FROM sale_order WHERE company_id = %s", [company.id])
        last = env.cr.fetchone()[0]
        kpi = env.ref("spm_addon.spm_kpi_revenue_attainment")
        course = env["spm.training.course"].create(
            {"name": "Bench course", "company_id": company.id, "kpi_ids": [(6, 0, kpi.ids)],
             "effect_days": args.days, "effect_controls": 3}
        )  # fmt: skip
        trained = members.filtered(lambda member: member.id % args.share == 0).user_id
        first_day = last - timedelta(days=args.days + 7 * (args.dates - 1))
        completion = {user.id: first_day + timedelta(days=7 * (i % args.dates)) for i, user in enumerate(trained)}
        print(f"{company.name}: {len(members)} members, {len(trained)} trained on {args.dates} dates, "
              f"windows of {args.days} days, last order {last}", flush=True)  # fmt: skip
        Enrolment = env["spm.training.enrolment"]
        with timer("enrol", "enrol and complete"):
            enrolments = Enrolment.create(
                [{"user_id": user_id, "course_id": course.id, "date_enrolled": day - timedelta(days=7)}
                 for user_id, day in completion.items()]
            )  # fmt: skip
            for enrolment in enrolments:
                enrolment._complete(completion[enrolment.user_id.id], 80.0)
            env.flush_all()
        with env.cr.savepoint(flush=False), timer("effect", "effect report (course x 1 KPI)"):
            env["spm.training.effect"]._compute_for_courses(course)
            env.flush_all()
        effect = course.effect_ids
        users = members.user_id.ids
        with timer("values", "of which the KPI values alone (2 queries per date)"):
            for day in sorted(set(completion.values())):
                (b_from, b_to), (a_from, a_to) = windows(day, args.days)
                kpi._read_values(users, b_from, b_to, company.ids)
                kpi._read_values(users, a_from, a_to, company.ids)
        with timer("raw", "raw SQL: every trained person's before / after"):
            env.cr.execute(
                RAW_SQL,
                {"users": list(completion), "days": list(completion.values()), "company": company.id,
                 "window": args.days},
            )  # fmt: skip
            raw = {row[0]: (float(row[1]), float(row[2])) for row in env.cr.fetchall()}
        with timer("raw_all", "raw SQL: everyone's before / after around every date"):
            env.cr.execute(RAW_ALL_SQL, {"days": list(completion.values()), "company": company.id, "window": args.days})
            everyone = env.cr.fetchall()
        ours = {line.user_id.id: (line.before, line.after) for line in effect.person_ids}
        mismatches = [
            user for user, values in raw.items()
            if user in ours and any(abs(a - b) > 0.01 for a, b in zip(values, ours[user], strict=True))
        ]  # fmt: skip
        counts = f"trained {effect.trained_count}, controls {effect.control_count}, unmatched {effect.unmatched_count}"
        interval = f"[{effect.ci_low:,.2f}, {effect.ci_high:,.2f}]"
        print(f"  {counts}, effect {effect.effect:,.2f} {interval}, {effect.verdict}")
        print(f"  compared {len(ours)} people, mismatches {len(mismatches)}")
        print(f"  {len(everyone)} (date, salesperson) figures in the raw SQL of everyone")
        print(
            f"  ratio to raw SQL: {timer['effect'] / max(timer['raw'], 1e-6):.1f}x the trained people's, "
            f"{timer['effect'] / max(timer['raw_all'], 1e-6):.1f}x everyone's (KPI values alone: "
            f"{timer['values'] / max(timer['raw_all'], 1e-6):.1f}x); peak {peak_memory_mb():.0f} MB"
        )


if __name__ == "__main__":
    main()
