"""Sales performance configuration on top of generated sales data: what an administrator would set up.

For each company with sales teams: an active quota plan of confirmed revenue for the current year
(history-based with 15 % growth, seasonal months), a quarterly plan of invoiced revenue, figures
refreshed and pace alerts raised. Idempotent: plans that exist are left alone.
"""

from datetime import date, timedelta

from .training_setup import training_setup


def setup(env, today=None, log=print):
    today = today or date.today()
    Plan = env["spm.quota.plan"].with_context(tracking_disable=True)
    created = Plan.browse()
    for company in env["res.company"].search([]):
        teams = env["crm.team"].search([("company_id", "in", (company.id, False)), ("member_ids", "!=", False)])
        teams -= env.ref("sales_team.team_sales_department", raise_if_not_found=False) or teams.browse()
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
            "growth_rate": 15.0,
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
        for plan in revenue | invoiced:
            plan.action_allocate()
            plan._finish_jobs()  # above a few thousand targets allocation and refresh run as background jobs
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
    return created


def _demo_teams(env, company):
    """The generated sales teams of ``company`` (not Odoo's default one) and their member count."""
    teams = env["crm.team"].search([("company_id", "=", company.id), ("member_ids", "!=", False)])
    teams -= env.ref("sales_team.team_sales_department", raise_if_not_found=False) or teams.browse()
    return teams, env["crm.team.member"].search_count([("crm_team_id", "in", teams.ids)])


def _quarter(day):
    """First and last day of the quarter before the one of ``day``."""
    end = date(day.year, (day.month - 1) // 3 * 3 + 1, 1) - timedelta(days=1)
    return date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end


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
        appraisals.action_submit_self()
        for appraisal in appraisals:
            rating = str(3 + (appraisal.employee_id.id * 7 + 3) % 3 - (appraisal.score < 60))
            appraisal.line_ids.filtered(lambda line: line.kind == "criterion").write({"manager_rating": rating})
        appraisals.action_submit_review()
        closed.action_close()
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
                run.action_approve()
                run.action_lock()
        log(f"{company.name}: commission plan {plan.name} with {len(plan.run_ids)} payout runs")
