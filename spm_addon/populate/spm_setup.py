"""Sales performance configuration on top of generated sales data: what an administrator would set up.

For each company with sales teams: an active quota plan of confirmed revenue for the current year
(history-based with 15 % growth, seasonal months), a quarterly plan of invoiced revenue, figures
refreshed and pace alerts raised. Idempotent: plans that exist are left alone.
"""

from datetime import date


def setup(env, today=None, log=print):
    today = today or date.today()
    Plan = env["spm.quota.plan"].with_context(tracking_disable=True)
    created = Plan.browse()
    for company in env["res.company"].search([]):
        teams = env["crm.team"].search([("company_id", "in", (company.id, False)), ("member_ids", "!=", False)])
        teams -= env.ref("sales_team.team_sales_department", raise_if_not_found=False) or teams.browse()
        if not teams or Plan.search_count([("company_id", "=", company.id)]):
            continue
        base = {
            "company_id": company.id,
            "user_id": env.ref("base.user_admin").id,
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
            plan.action_activate()
        revenue._create_pace_alerts()
        created |= revenue | invoiced
        plans = revenue | invoiced
        log(
            f"{company.name}: quota plans {', '.join(plans.mapped('name'))} ({sum(plans.mapped('line_count'))} targets)"
        )
    return created
