"""Training demo data on top of the generated sales data and the closed appraisal campaign.

Per company with sales teams: a catalogue of four courses tied to the shipped KPIs and criteria,
a required training per team (CRM basics within 60 days of joining), the closed campaign's training
needs recommended and half of them accepted, past completions of *Consultative Selling* by a third
of the salespeople (whose sales the generator raised by a quarter after it, an effect the report finds),
and the effect report. Idempotent: a
company that has courses is left alone. Deterministic: who is trained and when follows from the
salespeople's positions (their logins), not from ids.
"""

from datetime import timedelta

from odoo import Command

from .generator import add_translations, demo_teams, rep_position, training_day

COURSES = [
    # name, kind, KPIs, criteria, validity (months)
    ("Consultative Selling", "classroom", ["spm_kpi_revenue_attainment", "spm_kpi_won_deals"], [], 0),
    ("Negotiation Workshop", "external", ["spm_kpi_avg_deal_size"], [], 0),
    ("Working Together", "classroom", [], ["spm_criterion_teamwork"], 0),
    ("CRM Basics", "elearning", ["spm_kpi_activities_on_time"], [], 24),
]
COURSE_NAMES_ZH = ["顾问式销售", "谈判技巧工作坊", "团队协作", "CRM 基础"]


def training_setup(env, today, log=print, max_reps=2000):
    Course = env["spm.training.course"].with_context(tracking_disable=True, mail_notrack=True)
    for company in env["res.company"].search([]):
        teams = demo_teams(env, company)
        members = env["crm.team.member"].search([("crm_team_id", "in", teams.ids)], order="id")
        if not members or len(members) > max_reps or Course.search_count([("company_id", "=", company.id)]):
            continue
        courses = Course.create(
            [
                {
                    "name": name,
                    "kind": kind,
                    "company_id": company.id,
                    "kpi_ids": [Command.set([env.ref(f"spm_addon.{xmlid}").id for xmlid in kpis])],
                    "criterion_ids": [Command.set([env.ref(f"spm_addon.{xmlid}").id for xmlid in criteria])],
                    "validity_months": validity,
                    "duration_hours": 8,
                }
                for name, kind, kpis, criteria, validity in COURSES
            ]
        )
        add_translations(courses, "name", COURSE_NAMES_ZH)
        consultative, crm_basics = courses[0], courses[3]
        env["spm.training.requirement"].create(
            [
                {"team_id": team.id, "course_id": crm_basics.id, "company_id": company.id, "days": 60,
                 "date_start": today - timedelta(days=365)}
                for team in teams
            ]
        )  # fmt: skip
        # a third of the salespeople took Consultative Selling 120 to 300 days ago, the others did not; the
        # generator made them sell a quarter more after it (an effect for the report to find)
        # another third the Negotiation Workshop on the same kind of dates, with no effect planted: a course
        # the report finds none for
        negotiation = courses[1]
        Enrolment = env["spm.training.enrolment"]
        vals_list = []
        for member in members:
            position = rep_position(member.user_id.login)
            if not position or position % 3 == 2:
                continue
            course = consultative if position % 3 == 0 else negotiation
            completed = training_day(position, today)
            vals_list.append(
                {"user_id": member.user_id.id, "course_id": course.id, "team_id": member.crm_team_id.id,
                 "date_enrolled": completed - timedelta(days=14), "due_date": completed, "score": 70 + member.id % 30}
            )  # fmt: skip
        for enrolment, vals in zip(Enrolment.create(vals_list), vals_list, strict=True):
            enrolment._complete(vals["due_date"], vals["score"])
        # the closed campaign's needs were proposed before the catalogue existed: recommend its courses now
        needs = env["spm.training.need"].search([("company_id", "=", company.id), ("state", "=", "proposed")])
        for need in needs:
            need.sudo().course_ids = courses.filtered(
                lambda course, need=need: need.kpi_id in course.kpi_ids or need.criterion_id in course.criterion_ids
            )
        needs.filtered(lambda need: need.course_ids and need.id % 2)._accept()
        env["spm.training.requirement"].search([("company_id", "=", company.id)])._apply()
        env["spm.training.effect"]._compute_for_courses(consultative | negotiation)
        Enrolment._cron_remind()
        career_setup(env, company, courses, members, today, log)
        effects = "; ".join(
            f"{effect.course_id.name} on {effect.kpi_id.name}: {effect.effect:,.2f} "
            f"[{effect.ci_low:,.2f}, {effect.ci_high:,.2f}], {effect.trained_count} trained, {effect.verdict}"
            for effect in (consultative | negotiation).effect_ids
        )
        log(
            f"{company.name}: {len(courses)} training courses, {len(needs)} training needs, "
            f"{Enrolment.search_count([('company_id', '=', company.id)])} enrolments; effects: {effects}"
        )


# a development plan's texts, in its salesperson's language (a plan is theirs: its name is not translated)
PLAN_TEXTS = {
    "en_US": ("%(name)s: towards %(level)s", "Win three new key accounts", "Pass the CRM Basics certification"),
    "zh_CN": ("%(name)s:晋升%(level)s", "新签三个大客户", "通过 CRM 基础认证"),
}
LEVELS = [
    # name, criteria: (kind, KPI xmlid / course index, count, minimum value)
    ("Sales Representative", []),
    ("Senior Sales Representative", [("grade", None, 1, 0), ("certification", 3, 0, 0)]),
    ("Team Leader", [("grade", None, 2, 0), ("kpi", "spm_kpi_won_deals", 3, 2), ("certification", 0, 0, 0)]),
]
LEVEL_NAMES_ZH = ["销售代表", "高级销售代表", "销售主管"]


def career_setup(env, company, courses, members, today, log=print):
    """A promotion path of three levels (the second and third with criteria), every salesperson's
    employee at the first level, a development plan towards Senior for a tenth of them with two goals,
    a training and two review dates, and their readiness computed."""
    grades = env["spm.appraisal.grade"].search(
        [("template_id.company_id", "in", (company.id, False))], order="min_score desc"
    )
    good_grade = grades[1:2] or grades[:1]  # the second best grade of the first template (e.g. B)
    levels = env["spm.career.level"]
    for sequence, (name, criteria) in enumerate(LEVELS, start=1):
        lines = []
        for kind, target, count, minimum in criteria:
            if kind == "grade" and not good_grade:
                continue
            vals = {"kind": kind, "count": max(count, 1), "min_value": minimum}
            if kind == "grade":
                vals["grade_id"] = good_grade.id
            elif kind == "kpi":
                vals["kpi_id"] = env.ref(f"spm_addon.{target}").id
            else:
                vals["course_id"] = courses[target].id
            lines.append(Command.create(vals))
        levels |= env["spm.career.level"].create(
            {"name": name, "sequence": sequence, "company_id": company.id, "criterion_ids": lines}
        )
    add_translations(levels, "name", LEVEL_NAMES_ZH)
    employees = env["hr.employee"].search([("user_id", "in", members.user_id.ids), ("company_id", "=", company.id)])
    employees.write({"spm_career_level_id": levels[0].id})
    planned = employees.filtered(lambda employee: employee.id % 10 == 0)
    Plan = env["spm.development.plan"].with_context(tracking_disable=True, mail_notrack=True)
    enrolments = env["spm.training.enrolment"].search([("user_id", "in", planned.user_id.ids)])
    texts = {employee: PLAN_TEXTS.get(employee.user_id.lang, PLAN_TEXTS["en_US"]) for employee in planned}
    plans = Plan.create(
        [
            {
                "name": texts[employee][0]
                % {"name": employee.name, "level": levels[1].with_context(lang=employee.user_id.lang).name},
                "user_id": employee.user_id.id,
                "company_id": company.id,
                "target_level_id": levels[1].id,
                "date_start": today - timedelta(days=60),
                "date_end": today + timedelta(days=300),
                "enrolment_ids": [
                    Command.set(enrolments.filtered(lambda e, employee=employee: e.user_id == employee.user_id).ids)
                ],
                "goal_ids": [
                    Command.create({"description": texts[employee][1], "state": "progress",
                                    "due_date": today + timedelta(days=120)}),
                    Command.create({"description": texts[employee][2], "due_date": today + timedelta(days=60)}),
                ],
                "review_ids": [
                    Command.create({"date": today - timedelta(days=1)}),
                    Command.create({"date": today + timedelta(days=90)}),
                ],
            }
            for employee in planned
        ]
    )  # fmt: skip
    plans.sudo().write({"state": "active"})
    Plan._cron_review_activities()
    readiness = env["spm.career.readiness"]._refresh(employees, today)
    log(
        f"{company.name}: {len(levels)} career levels, {len(plans)} development plans, "
        f"{len(set(readiness.filtered('is_ready').user_id.ids))} of {len(employees)} ready for {levels[1].name}"
    )
