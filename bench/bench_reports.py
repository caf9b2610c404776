"""Report models at bench scale: each report's main pivot as the web client asks it (its default
rows, columns and measures, as an administrator: every record rule applies as for them), beside the
same aggregate written by hand in raw SQL over the source tables. Goal: every main pivot < 2 s.
The attainment analysis is timed on the bench plan (the running plan of confirmed revenue with the
most targets): the rebuild of its actuals (what each refresh of its figures adds), then its pivot by
team and by customer country beside the same figures in raw SQL over the quota lines and the orders.

    python3 bench/bench_reports.py -d spm_bench
"""

import sys

from common import Timer, environment, parse_args

from odoo.tools import SQL

AMOUNT = "s.amount_untaxed / CASE COALESCE(s.currency_rate, 0) WHEN 0 THEN 1.0 ELSE s.currency_rate END"

# (model, domain, groupby, aggregates, raw SQL of the same figures)
PIVOTS = [
    (
        "spm.quota.report",
        [("level", "=", "user"), ("period_type", "=", "plan")],
        ["team_id", "figure"],
        ["amount:sum"],
        """SELECT team_id, SUM(target), SUM(actual_amount), SUM(expected_amount) FROM spm_quota_line
            WHERE level = 'user' AND period_type = 'plan' GROUP BY team_id""",
    ),
    (
        "spm.customer.report",
        [],
        ["date:month", "customer_kind"],
        ["amount:sum", "order_count:sum"],
        f"""SELECT date_trunc('month', date), kind, SUM(amount), COUNT(*) FROM (
              SELECT s.date_order::date AS date, {AMOUNT} AS amount,
                     CASE WHEN ROW_NUMBER() OVER (PARTITION BY s.company_id,
                                                               COALESCE(p.commercial_partner_id, p.id)
                                                  ORDER BY s.date_order, s.id) = 1
                          THEN 'new' ELSE 'returning' END AS kind
                FROM sale_order s JOIN res_partner p ON p.id = s.partner_id WHERE s.state = 'sale') o
            GROUP BY 1, 2""",
    ),
    (
        "spm.customer.rfm.report",
        [],
        ["recency_score", "frequency_score"],
        ["monetary:sum"],
        f"""SELECT r, f, SUM(m) FROM (
              SELECT NTILE(5) OVER (PARTITION BY company_id ORDER BY last, partner) AS r,
                     NTILE(5) OVER (PARTITION BY company_id ORDER BY n, partner) AS f, m FROM (
                SELECT s.company_id, COALESCE(p.commercial_partner_id, p.id) AS partner, MAX(s.date_order) AS last,
                       COUNT(*) AS n, SUM({AMOUNT}) AS m
                  FROM sale_order s JOIN res_partner p ON p.id = s.partner_id WHERE s.state = 'sale'
              GROUP BY 1, 2) c) scored
            GROUP BY 1, 2""",
    ),
]


# the bench plan's figures by hand: targets of its leaf lines, actuals of its confirmed orders in its
# dates and scope (its teams' orders, and its people's orders without a team), by sales team (an order
# without a team goes to its salesperson's team in the plan) or by the customer's country
ATTAINMENT_RAW = f"""
    WITH member AS (
        SELECT DISTINCT ON (user_id) user_id, team_id FROM spm_quota_line
         WHERE plan_id = %(plan)s AND level = 'user' AND team_id IS NOT NULL ORDER BY user_id, team_id
    ), plan_team AS (
        SELECT crm_team_id AS team_id FROM crm_team_spm_quota_plan_rel WHERE spm_quota_plan_id = %(plan)s
    ), actual AS (
        SELECT COALESCE(s.team_id, m.team_id) AS team_id, p.country_id, {AMOUNT} AS amount
          FROM sale_order s
          JOIN res_partner p ON p.id = s.partner_id
          LEFT JOIN member m ON m.user_id = s.user_id
         WHERE s.state = 'sale' AND s.company_id = %(company)s
           AND s.date_order >= %(date_from)s AND s.date_order < %(date_to)s::date + 1
           AND (s.team_id IN (SELECT team_id FROM plan_team) OR (s.team_id IS NULL AND m.user_id IS NOT NULL))
    ), fig AS (
        SELECT l.team_id, NULL::integer AS country_id, l.target, 0 AS actual
          FROM spm_quota_line l
         WHERE l.plan_id = %(plan)s AND NOT EXISTS (SELECT 1 FROM spm_quota_line k WHERE k.parent_id = l.id)
        UNION ALL
        SELECT team_id, country_id, 0, amount FROM actual
    )
    SELECT {{dim}}, SUM(target), SUM(actual), SUM(actual) / NULLIF(SUM(target), 0) * 100 FROM fig GROUP BY {{dim}}
"""


def bench_attainment(env, admin, timer):
    """Rebuild of the bench plan's actuals, then the analysis' pivots by team and by country beside raw
    SQL. Returns how many pivots took 2 s or more."""
    plans = env["spm.quota.plan"].search(
        [("state", "in", ("active", "locked")), ("measure_id", "=", env.ref("spm_addon.spm_measure_sales_revenue").id)]
    )
    plan = max(plans, key=lambda plan: (plan._line_total(), plan.id), default=plans)
    if not plan:
        print("spm.attainment.report: no running plan of confirmed revenue, skipped")
        return 0
    leaves = env["spm.attainment.report"].search_count([("plan_id", "=", plan.id), ("figure", "=", "target")])
    with timer("fact rebuild", f"rebuild of the actuals of {plan.name} ({leaves:,} leaf targets)"):
        facts = env["spm.attainment.fact"]._rebuild(plan)
    print(f"RESULT spm.attainment.fact rebuild: {timer['fact rebuild']:.2f} s for {facts:,} facts")
    slow = 0
    params = {"plan": plan.id, "company": plan.company_id.id, "date_from": plan.date_from, "date_to": plan.date_to}
    for dim in ("team_id", "country_id"):
        key = f"attainment {dim}"
        report = env["spm.attainment.report"].with_user(admin)
        with timer(f"{key} ours", f"(a) the pivot by {dim}, as {admin.login} asks it"):
            groups = report.read_group(
                [("plan_id", "=", plan.id)], ["target:sum", "actual:sum", "attainment:avg"], [dim], lazy=False
            )
        with timer(f"{key} raw", "(b) the same figures in raw SQL over the quota lines and the orders"):
            env.cr.execute(ATTAINMENT_RAW.format(dim=dim), params)
            rows = env.cr.fetchall()
        ours, theirs = timer[f"{key} ours"], timer[f"{key} raw"]
        slow += ours >= 2
        total_ours = sum(group["actual"] for group in groups)
        total_raw = sum(float(row[2] or 0) for row in rows)
        print(
            f"RESULT spm.attainment.report pivot by {dim}: {ours:.2f} s for {len(groups)} cells (goal < 2 s); raw SQL "
            f"{theirs:.2f} s ({len(rows)} groups); ratio {ours / max(theirs, 1e-9):.1f}x; actual {total_ours:,.2f} "
            f"(raw {total_raw:,.2f})"
        )
    return slow


def main():
    args = parse_args(__doc__)
    timer = Timer()
    slow = 0
    with environment(args) as env:
        admin = env.ref("base.user_admin")
        # the funnel's rows come from its own SQL (a row per opportunity and stage reached): the raw
        # figure groups that SQL by hand, so the ratio is what the ORM adds
        funnel = env["spm.funnel.report"]._table_query
        funnel_raw = SQL(
            "SELECT stage_id, SUM(reached_count), SUM(won_count), "
            "SUM(won_count)::float / NULLIF(SUM(reached_count), 0) FROM (%s) f GROUP BY stage_id",
            funnel,
        )
        pivots = [*PIVOTS, ("spm.funnel.report", [], ["stage_id"], ["reached_count:sum", "won_count:sum",
                                                                     "conversion:avg"], funnel_raw)]  # fmt: skip
        for model, domain, groupby, aggregates, raw in pivots:
            print(f"{model}: {env[model].sudo().search_count(domain):,} rows")
            with timer(f"{model} ours", f"(a) the pivot, as {admin.login} asks it"):
                groups = env[model].with_user(admin).read_group(domain, aggregates, groupby, lazy=False)
            with timer(f"{model} raw", "(b) the same figures in raw SQL"):
                env.cr.execute(raw)
                rows = env.cr.fetchall()
            ours, theirs = timer[f"{model} ours"], timer[f"{model} raw"]
            slow += ours >= 2
            print(
                f"RESULT {model} pivot: {ours:.2f} s for {len(groups)} cells (goal < 2 s); raw SQL {theirs:.2f} s "
                f"({len(rows)} groups); ratio {ours / max(theirs, 1e-9):.1f}x"
            )
        slow += bench_attainment(env, admin, timer)
    if slow:
        print(f"ERROR: {slow} pivots took 2 s or more", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
