"""Sales performance configuration on top of generated sales data: what an administrator would set up.

For each company with sales teams: an active quota plan of confirmed revenue for the current year
(history-based with 10 % growth, seasonal months), a quarterly plan of invoiced revenue, figures
refreshed and pace alerts raised. Salespeople who did not sell the whole of last year (new hires) have
no history to go by: their targets are set by hand to their teammates' average, ramping up over their
first six months, and pinned. Idempotent: plans that exist are left alone.
"""

from collections import defaultdict
from datetime import date, timedelta

from ..engine import allocation
from ..tools import bulk
from .generator import FINANCE_LOGIN, add_translations, demo_teams
from .training_setup import training_setup

RAMP_MONTHS = 6  # a new hire sells a sixth of a full month in their first month, all of it from the sixth on


def setup(env, today=None, log=print):
    today = today or date.today()
    Plan = env["spm.quota.plan"].with_context(tracking_disable=True)
    created = Plan.browse()
    for company in env["res.company"].search([]):
        teams = demo_teams(env, company)
        if not teams or Plan.search_count([("company_id", "=", company.id)]):
            continue
        admin = env.ref("base.user_admin")
        base = {
            "company_id": company.id,
            # a plan's responsible works in its company: the administrator, else the first team's leader
            "user_id": (admin if company in admin.company_ids else teams[:1].user_id or admin).id,
            "team_ids": [(6, 0, teams.ids)],
            "date_from": date(today.year, 1, 1),
            "date_to": date(today.year, 12, 31),
            "allocation_method": "history",
            "growth_rate": 10.0,
            "use_seasonality": True,
        }
        revenue = Plan.create(
            {
                **base,
                "name": f"{today.year} Sales Targets",
                "measure_id": env.ref("spm_addon.spm_measure_sales_revenue").id,
                "time_split": "month",
            }
        )
        invoiced = Plan.create(
            {
                **base,
                "name": f"{today.year} Invoicing Targets",
                "measure_id": env.ref("spm_addon.spm_measure_invoiced_revenue").id,
                "time_split": "quarter",
                "expected_basis": "working_days",
            }
        )
        add_translations(revenue | invoiced, "name", [f"{today.year} 年销售目标", f"{today.year} 年开票目标"])
        for plan in revenue | invoiced:
            plan.action_allocate()
            plan._finish_jobs()  # above a few thousand targets allocation and refresh run as background jobs
            set_new_hire_targets(plan, today)
            plan.action_activate()
            plan._finish_jobs()
        revenue._create_pace_alerts()
        created |= revenue | invoiced
        plans = revenue | invoiced
        log(
            f"{company.name}: quota plans {', '.join(plans.mapped('name'))} ({sum(plans.mapped('line_count'))} targets)"
        )
    appraisal_setup(env, today, log)
    incentive_setup(env, today, log)
    training_setup(env, today, log)
    monitor_setup(env, today, log)
    # the forecasts the daily scheduled action makes, made once now: the overview's forecast box reads them
    env["spm.forecast"]._cron_compute()
    log(f"forecasts: {env['spm.forecast'].search_count([])} rows")
    home_setup(env)
    return created


def home_setup(env):
    """The demo's logins (and the administrator) open on the overview, each role's first screen, as an
    administrator sets it in a user's Preferences (Home Action); a user who has one keeps it."""
    overview = env.ref("spm_addon.spm_overview_action")
    admin = env.ref("base.user_admin")
    users = env["res.users"].search(
        ["|", ("login", "=like", "%@demo.example"), ("id", "=", admin.id), ("action_id", "=", False)]
    )
    users.write({"action_id": overview.id})


def _months_between(first, day):
    return (day.year - first.year) * 12 + day.month - first.month


def _month_starts(date_from, date_to):
    """The first days of the months from ``date_from`` to ``date_to``."""
    day, days = date_from.replace(day=1), []
    while day <= date_to:
        days.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return days


def set_new_hire_targets(plan, today):
    """Targets of the salespeople of draft ``plan`` who started selling after the first month of its history
    period (or not yet): each of their finest periods gets their teammates' average target of that period
    (the plan's if the team has only new hires), times the ramp-up of their months in it, times how they
    sold against their teammates when they have a quarter's worth of history; their other lines sum up
    their split and are pinned. The other salespeople get their history and the plan's growth, split as
    the allocation did (the allocation gave the new hires without history an average share of the
    company's history, taken from them); each team and the company sum up their split. Returns the new
    hires' user ids."""
    env = plan.env
    hist_from, hist_to = plan._history_period()
    env.cr.execute(
        "SELECT user_id, MIN(date_order)::date FROM sale_order WHERE company_id = %s AND state != 'cancel' "
        "GROUP BY user_id",
        [plan.company_id.id],
    )
    first_sale = dict(env.cr.fetchall())
    # the company's sales of each month of the history period, as shares of the whole
    env.cr.execute(
        "SELECT date_trunc('month', date_order)::date, SUM(amount_untaxed) FROM sale_order "
        "WHERE company_id = %s AND state = 'sale' AND date_order::date BETWEEN %s AND %s GROUP BY 1",
        [plan.company_id.id, hist_from, hist_to],
    )
    history_months = dict(env.cr.fetchall())
    history_total = float(sum(history_months.values())) or 1.0
    fnames = [
        "parent_id", "level", "team_id", "user_id", "date_from", "date_to", "target", "capacity_weight",
        "history_amount",
    ]  # fmt: skip
    lines = plan._fetch_lines(fnames)
    users = [line for line in lines if line["level"] == "user"]
    starts = {
        line["user_id"]: (first_sale.get(line["user_id"]) or today).replace(day=1)
        for line in users
        if not first_sale.get(line["user_id"]) or _months_between(hist_from, first_sale[line["user_id"]]) > 0
    }
    if not starts:
        return []
    children = defaultdict(list)
    for line in lines:
        children[line["parent_id"]].append(line)
    # the average target of each finest period, over the salespeople with a history, in the team and in all
    leaves = [line for line in lines if line["user_id"] and not children[line["id"]]]
    sums = defaultdict(lambda: [0.0, 0])
    for leaf in leaves:
        if leaf["user_id"] not in starts:
            for key in ((leaf["team_id"], leaf["date_from"]), (None, leaf["date_from"])):
                sums[key][0] += leaf["target"]
                sums[key][1] += 1

    def ramp(start, day):
        months = _months_between(start, day)  # a new hire's first sale comes in their second month
        return min(months + 2, RAMP_MONTHS) / RAMP_MONTHS if months >= 0 else 0.0

    def average(team_id, day):
        total, count = sums[team_id, day] if sums[team_id, day][1] else sums[None, day]
        return total / count if count else 0.0

    # how a new hire sold against their teammates: their history over what a full year of it would be,
    # ramp-up included, over their teammates' average history; from a quarter's worth of history on
    histories = defaultdict(list)
    for line in users:
        if line["user_id"] not in starts:
            histories[line["team_id"]].append(line["history_amount"])
            histories[None].append(line["history_amount"])
    factors = {}
    for line in users:
        start = starts.get(line["user_id"])
        if not start:
            continue
        share = sum(
            float(history_months.get(day, 0.0)) / history_total * ramp(start, day)
            for day in _month_starts(hist_from, hist_to)
        )
        team = histories[line["team_id"]] or histories[None]
        peers = sum(team) / len(team) if team else 0.0
        factor = line["history_amount"] / share / peers if share >= 0.25 and peers > 0 else 1.0
        factors[line["user_id"]] = min(max(factor, 0.5), 2.0)

    rounding = plan.currency_id.round
    changed = {}

    def retarget(line):
        """Set the target of ``line`` of a new hire, from its split or as a finest period; return it."""
        kids = children[line["id"]]
        if kids:
            line["target"] = rounding(sum(retarget(kid) for kid in kids))
        else:
            months = [ramp(starts[line["user_id"]], day) for day in _month_starts(line["date_from"], line["date_to"])]
            average_target = average(line["team_id"], line["date_from"]) * factors[line["user_id"]]
            line["target"] = rounding(average_target * sum(months) / len(months))
        changed[line["id"]] = line
        return line["target"]

    def resplit(line, target):
        """Set the target of ``line`` and split it over its children as the allocation did."""
        line["target"] = target
        changed[line["id"]] = line
        kids = children[line["id"]]
        if kids:
            parts = allocation.largest_remainder(target, [kid["target"] for kid in kids], digits)
            for kid, part in zip(kids, parts, strict=True):
                resplit(kid, part)

    digits = plan.currency_id.decimal_places
    for line in users:
        if line["user_id"] not in starts:
            resplit(line, rounding(line["history_amount"] * (1 + plan.growth_rate / 100.0)))
        else:
            retarget(line)
            months = [ramp(starts[line["user_id"]], day) for day in _month_starts(plan.date_from, plan.date_to)]
            line["capacity_weight"] = round(sum(months) / len(months), 2)
    # teams and the company: the sum of their split
    for level in ("team", "company"):
        for line in lines:
            if line["level"] == level:
                line["target"] = rounding(sum(kid["target"] for kid in children[line["id"]]))
                changed[line["id"]] = line
    Line = env["spm.quota.line"]
    bulk.update(
        Line,
        {"target": "numeric", "capacity_weight": "numeric"},
        [(line["id"], line["target"], line["capacity_weight"]) for line in changed.values()],
    )
    Line.browse([line["id"] for line in users if line["user_id"] in starts]).write({"is_pinned": True})
    plan.target_amount = next(line["target"] for line in lines if line["level"] == "company")
    return list(starts)


# the demo's monitoring rules, one of each kind: (name, Chinese name, values). A month's sales of a
# salesperson vary much (a few large orders): the sales drop is a month at least half under the median
# and 1.5 robust sigmas under it
MONITOR_RULES = [
    ("Stalled opportunities", "商机停滞", {"kind": "stage_aging", "stage_days": 30}),
    ("Overdue activities", "活动逾期", {"kind": "overdue_activity", "overdue_days": 7, "min_count": 1}),
    ("Customer visits below norm", "客户拜访偏少", {"kind": "visits_below_norm", "norm_weeks": 8, "norm_share": 80}),
    ("Sales drop", "业绩下滑", {"kind": "kpi_drop", "measure": "spm_addon.spm_measure_sales_revenue",
                              "responsible": "manager", "z_threshold": 1.5, "min_drop": 50.0}),
    ("Churn risk", "客户流失预警", {"kind": "churn_risk", "grace_days": 150, "min_orders": "regular"}),
]  # fmt: skip


def monitor_setup(env, today, log=print):
    """One monitoring rule of each kind per company with sales teams, run once as of ``today`` so that
    the demo opens with alerts (the daily scheduled action runs them after). Idempotent: a company with
    monitoring rules is left alone."""
    Rule = env["spm.monitor.rule"].with_context(tracking_disable=True)
    rules = Rule.browse()
    for company in env["res.company"].search([]):
        if not _demo_teams(env, company)[0] or Rule.with_context(active_test=False).search_count(
            [("company_id", "=", company.id)]
        ):
            continue
        values = []
        for name, _zh, rule_values in MONITOR_RULES:
            vals = dict(rule_values, name=name, company_id=company.id)
            if "measure" in vals:
                vals["measure_id"] = env.ref(vals.pop("measure")).id
            if vals.get("min_orders") == "regular":
                vals["min_orders"] = _regular_order_days(env, company)
            values.append(vals)
        created = Rule.create(values)
        add_translations(created, "name", [zh for _name, zh, _values in MONITOR_RULES])
        hits = created._run(today)
        log(f"{company.name}: monitoring rules run, {len(hits)} alerts")
        rules |= created
    return rules


def _regular_order_days(env, company):
    """How many days a regular customer of ``company`` ordered on: the top quarter's least (at least 4).
    A customer who ordered on fewer days has no rhythm to miss: the churn rule watches the regular ones."""
    env.cr.execute(
        """SELECT percentile_disc(0.75) WITHIN GROUP (ORDER BY days) FROM (
               SELECT COUNT(DISTINCT so.date_order::date) AS days FROM sale_order so
                 JOIN res_partner buyer ON buyer.id = so.partner_id
                WHERE so.state = 'sale' AND so.company_id = %s
             GROUP BY COALESCE(buyer.commercial_partner_id, buyer.id)) customers""",
        [company.id],
    )
    return max(4, env.cr.fetchone()[0] or 0)


def _demo_teams(env, company):
    """The generated sales teams of ``company`` (not Odoo's default one) and their member count."""
    teams = demo_teams(env, company)
    return teams, env["crm.team.member"].search_count([("crm_team_id", "in", teams.ids)])


def _quarter(day):
    """First and last day of the quarter before the one of ``day``."""
    end = date(day.year, (day.month - 1) // 3 * 3 + 1, 1) - timedelta(days=1)
    return date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end


def as_user(records, user):
    """``records`` as ``user`` would act on them, in their language and company (the superuser when there
    is no such user or they lack the company): what they do is written in their name."""
    if not user or records.company_id - user.company_ids:
        return records
    return records.with_user(user).with_context(lang=user.lang).with_company(records.company_id[:1])


def approve_as_managers(run):
    """Approve the statements of ``run`` as its teams' leaders would, each those of their team, and the
    rest (a leader's own, those of a team without a leader) as the administrator."""
    statements = run.statement_ids
    for leader in statements.team_id.user_id:
        if statements.filtered(lambda s, leader=leader: s.team_id.user_id == leader and s.user_id != leader):
            as_user(run, leader).action_approve()
    if run.state == "draft":
        as_user(run, run.env.ref("base.user_admin")).action_approve()


def _quarter_label(day):
    """'2026 Q3' for a day of that quarter."""
    return f"{day.year} Q{(day.month + 2) // 3}"


def appraisal_setup(env, today, log=print, max_reps=2000):
    """Two campaigns of the shipped sales template per company: the quarter before last, reviewed and
    closed (grades, ranks, badges), and the last quarter, running. Skipped above ``max_reps``
    salespeople (the bench scale is for the benchmarks)."""
    Campaign = env["spm.appraisal.campaign"].with_context(tracking_disable=True, mail_notrack=True)
    template = env.ref("spm_addon.spm_appraisal_template_sales")
    last_from, last_to = _quarter(today)
    before_from, before_to = _quarter(last_from)
    for company in env["res.company"].search([]):
        teams, members = _demo_teams(env, company)
        if not members or members > max_reps or Campaign.search_count([("company_id", "=", company.id)]):
            continue
        base = {"template_id": template.id, "company_id": company.id, "team_ids": [(6, 0, teams.ids)]}
        closed = Campaign.create(
            {**base, "name": _quarter_label(before_from), "date_from": before_from, "date_to": before_to}
        )
        closed.with_company(company).action_start()
        closed._finish_jobs()  # at bench scale the start runs as a background job
        appraisals = closed.appraisal_ids
        # each salesperson hands in their self-assessment, each manager rates and completes the reviews of
        # their team, the administrator closes: the chatter names them, as when they click the buttons
        for user, mine in appraisals.grouped("user_id").items():
            as_user(mine, user).action_submit_self()
        for manager, mine in appraisals.grouped("manager_user_id").items():
            for appraisal in as_user(mine, manager):
                rating = str(3 + (appraisal.employee_id.id * 7 + 3) % 3 - (appraisal.score < 60))
                appraisal.line_ids.filtered(lambda line: line.kind == "criterion").write({"manager_rating": rating})
            as_user(mine, manager).action_submit_review()
        as_user(closed, env.ref("base.user_admin")).action_close()
        running = Campaign.create(
            {
                **base,
                "name": _quarter_label(last_from),
                "date_from": last_from,
                "date_to": last_to,
                "date_deadline": today + timedelta(days=14),
            }
        )
        running.with_company(company).action_start()
        running._finish_jobs()
        log(f"{company.name}: appraisal campaigns {closed.name} (closed) and {running.name} ({len(appraisals)} each)")


def incentive_setup(env, today, log=print, max_reps=2000):
    """A commission plan of the year per company (progressive tiers on quota attainment, a cap, a SPIF
    on the best-selling product), its payout run of the quarter before last locked and of the last
    quarter computed. Skipped above ``max_reps`` salespeople."""
    Plan = env["spm.incentive.plan"].with_context(tracking_disable=True)
    Run = env["spm.payout.run"].with_context(tracking_disable=True)
    last_from, last_to = _quarter(today)
    before_from, before_to = _quarter(last_from)
    for company in env["res.company"].search([]):
        teams, members = _demo_teams(env, company)
        if not members or members > max_reps or Plan.search_count([("company_id", "=", company.id)]):
            continue
        year_from, year_to = date(before_from.year, 1, 1), date(before_from.year, 12, 31)
        product = (
            env["sale.order.line"]
            .search(
                [("order_id.company_id", "=", company.id), ("product_id", "!=", False)],
                limit=1,
                order="price_subtotal desc",
            )
            .product_id
        )
        plan = Plan.create(
            {
                "name": f"{year_from.year} Sales Commission",
                "company_id": company.id,
                "date_from": year_from,
                "date_to": year_to,
                "measure_id": env.ref("spm_addon.spm_measure_sales_revenue").id,
                "team_ids": [(6, 0, teams.ids)],
                "rate_type": "progressive",
                "tier_basis": "attainment",
                "gate": 50,
                "cap_amount": company.currency_id.round(200_000 if company.currency_id.name == "CNY" else 30_000),
                "tier_ids": [
                    (0, 0, {"lower": 0, "upper": 100, "rate": 3}),
                    (0, 0, {"lower": 100, "upper": 120, "rate": 5}),
                    (0, 0, {"lower": 120, "upper": 0, "rate": 8}),
                ],
                "spif_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{product.name} push",
                            "product_ids": [(6, 0, product.ids)],
                            "date_from": last_from,
                            "date_to": last_to,
                            "basis": "unit",
                            "amount": 50,
                        },
                    )
                ]
                if product
                else [],
                "grade_bonus_ids": [(0, 0, {"grade": "S", "amount": 5_000}), (0, 0, {"grade": "A", "amount": 2_000})],
            }
        )
        add_translations(plan, "name", [f"{year_from.year} 年销售提成"])
        plan.action_activate()
        for quarter_from, quarter_to in ((before_from, before_to), (last_from, last_to)):
            if quarter_from.year != year_from.year:
                continue
            run = Run.create(
                {"name": _quarter_label(quarter_from), "plan_id": plan.id, "date_from": quarter_from,
                 "date_to": quarter_to}
            )  # fmt: skip
            run.action_compute()
            run._finish_jobs()  # above a few thousand salespeople or documents it runs as a background job
            if quarter_from == before_from:  # the older quarter is paid: approved and locked
                approve_as_managers(run)
                finance = env["res.users"].search([("login", "=", FINANCE_LOGIN)])
                as_user(run, finance).action_lock()
        log(f"{company.name}: commission plan {plan.name} with {len(plan.run_ids)} payout runs")
