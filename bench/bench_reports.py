"""Report models at bench scale: each report's main pivot as the web client asks it (its default
rows, columns and measures, as an administrator: every record rule applies as for them), beside the
same aggregate written by hand in raw SQL over the source tables. Goal: every main pivot < 2 s.

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
    if slow:
        print(f"ERROR: {slow} pivots took 2 s or more", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
