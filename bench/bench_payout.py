"""Benchmark of a payout run at bench scale (issue 6).

    python3 bench/bench_payout.py -d spm_bench

A progressive commission plan on confirmed order lines (the "sales revenue by product category"
measure, one document per order line) for every salesperson of every team, tiers on the amount;
one payout run over the whole history (1,000,000 order lines at bench scale). Times the run
(documents, targets, commissions, statements, one payout line per credited order line) and the same
credited totals in hand-written SQL, and compares them. Everything is rolled back at the end.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from common import Timer, environment, parse_args, peak_memory_mb

RAW_SQL = """
SELECT o.user_id, SUM(l.price_subtotal / CASE COALESCE(o.currency_rate, 0) WHEN 0 THEN 1.0 ELSE o.currency_rate END),
       COUNT(*)
  FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
 WHERE o.state = 'sale' AND o.company_id = %(company)s AND l.display_type IS NULL AND l.product_id IS NOT NULL
   AND o.date_order >= %(start)s AND o.date_order < %(stop)s
 GROUP BY o.user_id
"""


def main():
    args = parse_args(__doc__)
    timer = Timer()
    with environment(args) as env:
        company = env.company
        orders = env["sale.order"].search([("state", "=", "sale")], order="date_order")
        start, end = orders[:1].date_order.date(), orders[-1:].date_order.date()
        teams = env["crm.team"].search([("company_id", "in", (company.id, False))])
        plan = env["spm.incentive.plan"].create(
            {
                "name": "Bench commission",
                "date_from": start,
                "date_to": end,
                "measure_id": env.ref("spm_addon.spm_measure_sales_revenue_categ").id,
                "team_ids": [(6, 0, teams.ids)],
                "rate_type": "progressive",
                "tier_basis": "amount",
                "tier_ids": [
                    (0, 0, {"lower": 0, "upper": 500_000, "rate": 3}),
                    (0, 0, {"lower": 500_000, "upper": 1_000_000, "rate": 5}),
                    (0, 0, {"lower": 1_000_000, "upper": 0, "rate": 8}),
                ],
            }
        )
        run = env["spm.payout.run"].create(
            {"name": "Bench run", "plan_id": plan.id, "date_from": start, "date_to": end}
        )
        participants = len(plan._participants())
        print(f"Payout benchmark on {args.database}: {participants} participants, {start} to {end}")
        env.cr.commit()
        try:
            with timer("run", "(a) compute the payout run (statements and lines)"):
                run._compute_statements()
                env.flush_all()
            env.cr.commit()
            report(env, run, start, end, timer)
        finally:
            if not args.keep:
                env.cr.rollback()
                env.cr.execute("DELETE FROM spm_payout_run WHERE id = %s", [run.id])
                env.cr.execute("DELETE FROM spm_incentive_plan WHERE id = %s", [plan.id])
                env.cr.commit()


def report(env, run, start, end, timer):
    from datetime import timedelta  # noqa: PLC0415

    params = {"company": run.company_id.id, "start": start, "stop": end + timedelta(days=1)}
    with timer("raw", "(b) raw SQL GROUP BY of the same credited totals"):
        env.cr.execute(RAW_SQL, params)
        raw = {user_id: (float(total or 0), count) for user_id, total, count in env.cr.fetchall()}
    env.cr.execute(
        "SELECT s.user_id, s.credited_amount, s.amount, (SELECT COUNT(*) FROM spm_payout_line l "
        "WHERE l.statement_id = s.id) FROM spm_payout_statement s WHERE s.run_id = %s",
        [run.id],
    )
    ours = {user_id: (float(credited), float(amount), count) for user_id, credited, amount, count in env.cr.fetchall()}
    mismatches = sum(
        1
        for user_id, (total, _count) in raw.items()
        if abs(ours.get(user_id, (0.0,))[0] - total) > 0.01 + 1e-9 * abs(total)
    )
    lines = sum(value[2] for value in ours.values())
    paid = sum(value[1] for value in ours.values())
    print(f"  statements {len(ours)}, payout lines {lines}, total paid {paid:,.2f}")
    print(f"  salespeople compared with raw SQL: {len(raw)}; mismatches: {mismatches}")
    print(f"  peak memory {peak_memory_mb():.0f} MB")
    print(
        f"RESULT payout run over {lines} credited order lines: {timer['run']:.2f} s (goal < 60 s, limit 120 s); "
        f"/ raw SQL = {timer['run'] / max(timer['raw'], 1e-9):.1f}x; peak memory {peak_memory_mb():.0f} MB (limit 2 GB)"
    )
    if mismatches:
        print(f"ERROR: {mismatches} salespeople differ from the raw SQL totals", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
