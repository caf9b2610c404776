"""Benchmark of a training's effect report at bench scale (issue 14).

    python3 bench/bench_training.py -d spm_bench [--share 3] [--dates 26] [--days 90]

Creates a course targeting revenue attainment (confirmed sales), completes it for one salesperson in
``--share`` of the first company's teams' members, on ``--dates`` distinct days a week apart ending
``--days`` days before the data's last order, and times (a) the effect report (two grouped queries of
the KPI's measure per completion date, the matching and the bootstrap), then (b) every trained
person's before and after in hand-written SQL (one statement), and compares them, then (c) what the
report reads, every salesperson's before and after around every completion date, in one statement.

    python3 bench/bench_training.py -d spm_bench --part readiness

times the career readiness refresh of every employee (10,000 at bench scale): in each company a path
Representative > Senior (grade B in the last closed appraisal, certified) > Team Leader (grade B in
the last 2, 2 won deals and revenue in each of the last 3 months, certified); a third of the people
are Seniors aiming at Team Leader, the others aim at Senior. Then (r2) the administrator's button,
which queues a background job per company, and (r3) the job run to the end. Everything is rolled
back at the end.

Measured on a copy of spm_bench (11,002 employees, 29,338 readiness rows, 2026-12-04, a shared
machine): (r1) 5.6 to 9.0 s and 331 queries before the refresh was batched (a grouped query per
KPI and month, rows created through the ORM in one create, each KPI value formatted with formatLang),
2.3 to 2.5 s and 33 queries after (one query per KPI for every month, one SQL for the grades, rows
written by tools.bulk); the same figures (checksum 9705b91eedc1). (r2) 0.2 s, (r3) 3.3 to 4.9 s in
6 batches of 2,000.
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

# the figures each person reads (value, required, the detail text), whatever the ids of the run
CHECKSUM = (
    "LEFT(MD5(STRING_AGG(employee_id || ':' || value || '/' || required || ':' || detail, '|' "
    "ORDER BY employee_id, detail, value, required)), 12)"
)


def main():
    args = parse_args(
        __doc__,
        extra=[
            ("--share", {"type": int, "default": 3, "help": "one salesperson in SHARE is trained"}),
            ("--dates", {"type": int, "default": 26, "help": "distinct completion dates"}),
            ("--days", {"type": int, "default": 90, "help": "the effect window"}),
            ("--part", {"choices": ["all", "effect", "readiness"], "default": "all"}),
        ],
    )
    if args.part in ("all", "effect"):
        effect_part(args)
    if args.part in ("all", "readiness"):
        readiness_part(args)


def effect_part(args):
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


def readiness_part(args):
    """The career readiness refresh of everyone (see the module's docstring)."""
    timer = Timer()
    with environment(args) as env:
        employees = env["hr.employee"].search([("user_id", "!=", False)], order="id")
        companies = employees.company_id
        for company in companies:
            course = env["spm.training.course"].create({"name": "Bench certification", "company_id": company.id})
            grade = env["spm.appraisal.grade"].search(
                [("template_id.company_id", "in", (company.id, False))], order="min_score desc", limit=2
            )[-1:]
            Level = env["spm.career.level"]
            for level in Level.search([("company_id", "=", company.id)]):
                level.sequence += 100  # the bench's path comes first
            criteria = [(0, 0, {"kind": "certification", "course_id": course.id})]
            if grade:
                criteria.append((0, 0, {"kind": "grade", "grade_id": grade.id, "count": 1}))
            rep = Level.create({"name": "Bench Representative", "sequence": 1, "company_id": company.id})
            senior = Level.create(
                {"name": "Bench Senior", "sequence": 2, "company_id": company.id, "criterion_ids": criteria}
            )
            leader_criteria = [
                (0, 0, {"kind": "kpi", "kpi_id": env.ref("spm_addon.spm_kpi_won_deals").id, "count": 3,
                        "min_value": 2}),
                (0, 0, {"kind": "kpi", "kpi_id": env.ref("spm_addon.spm_kpi_revenue_attainment").id, "count": 3,
                        "min_value": 50_000}),
                (0, 0, {"kind": "certification", "course_id": course.id}),
            ]  # fmt: skip
            if grade:
                leader_criteria.append((0, 0, {"kind": "grade", "grade_id": grade.id, "count": 2}))
            Level.create(
                {"name": "Bench Team Leader", "sequence": 3, "company_id": company.id, "criterion_ids": leader_criteria}
            )
            people = employees.filtered(lambda employee, company=company: employee.company_id == company)
            seniors = people.filtered(lambda employee: employee.id % 3 == 0)
            seniors.spm_career_level_id = senior
            (people - seniors).spm_career_level_id = rep
            env["spm.training.enrolment"].create(
                [{"user_id": employee.user_id.id, "course_id": course.id, "state": "done",
                  "completion_date": "2026-01-15", "date_enrolled": "2026-01-01"}
                 for employee in people.filtered(lambda employee: employee.id % 2 == 0)]
            )  # fmt: skip
        env.flush_all()
        env.cr.execute("SELECT MAX(date_order)::date FROM sale_order")
        today = env.cr.fetchone()[0]
        Readiness = env["spm.career.readiness"]
        print(
            f"Career readiness of {len(employees)} employees in {len(companies)} companies, as of {today}", flush=True
        )
        queries = env.cr.sql_log_count
        with timer("readiness", "(r1) refresh every employee's readiness"):
            rows = Readiness._refresh(employees, today)
            env.flush_all()
        queries = env.cr.sql_log_count - queries
        env.cr.execute(
            f"SELECT COUNT(*), COUNT(*) FILTER (WHERE is_met), COUNT(DISTINCT user_id) FILTER (WHERE is_ready), "
            f"ROUND(SUM(value)::numeric, 1), {CHECKSUM} FROM spm_career_readiness WHERE id = ANY(%s)",
            [rows.ids],
        )
        count, met, ready, total, checksum = env.cr.fetchone()
        print(f"  {queries:,} queries; rows {count}, criteria met {met}, people ready {ready}, sum of values {total}, "
              f"figures {checksum}")  # fmt: skip
        job_step = getattr(type(env["res.company"]), "_spm_job_refresh_readiness", None)
        if job_step:
            admin = env.ref("base.user_admin")
            admin.groups_id |= env.ref("spm_addon.group_spm_admin")
            with timer("button", "(r2) the administrator's button (queues a job per company)"):
                action = Readiness.with_user(admin).with_context(allowed_company_ids=companies.ids).action_refresh()
            jobs = env["spm.job"].search([("step", "=", "_spm_job_refresh_readiness"), ("state", "=", "queued")])
            print(f"  {action['tag']}: {len(jobs)} jobs, {sum(jobs.mapped('total'))} people")
            with timer("job", "(r3) the jobs run to the end (batches of 2,000 people)"):
                for job in jobs:
                    job._run_to_end()
                env.flush_all()
            env.cr.execute(
                f"SELECT COUNT(*), COUNT(*) FILTER (WHERE is_met), COUNT(DISTINCT user_id) FILTER (WHERE is_ready), "
                f"ROUND(SUM(value)::numeric, 1), {CHECKSUM} FROM spm_career_readiness"
            )
            count, met, ready, total, checksum = env.cr.fetchone()
            print(f"  after the jobs: rows {count}, met {met}, ready {ready}, sum {total}, figures {checksum}")
        peak = peak_memory_mb()
        print(f"RESULT readiness of {len(employees)} employees: {timer['readiness']:.2f} s; peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
