"""Benchmark of a payout run at bench scale (issue 6), plain or with what an administrator configures (issue 13).

    python3 bench/bench_payout.py -d spm_bench [--configured]

A progressive commission plan on confirmed order lines (the "sales revenue by product category"
measure, one document per order line) for every salesperson of every team, tiers on the amount;
one payout run over the whole history (1,000,000 order lines at bench scale), computed as the
Compute button does it: above a few thousand salespeople or documents, as a background job run here
to its end, a batch of salespeople at a time. Times the run (documents, targets, commissions,
statements, one payout line per credited order line) and the same credited totals in hand-written
SQL, and compares them.

``--configured`` first adds what an administrator may configure without code: a required custom
field with a default value on payout statements and on payout lines, and an automation rule on
statements. The statements and lines then go through the ORM instead of COPY; the figures must be
the same. Everything is rolled back (or removed) at the end.
"""

import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(__file__))

from common import Timer, environment, parse_args, peak_memory_mb, time_export

RAW_SQL = """
SELECT o.user_id, SUM(l.price_subtotal / CASE COALESCE(o.currency_rate, 0) WHEN 0 THEN 1.0 ELSE o.currency_rate END),
       COUNT(*)
  FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
 WHERE o.state = 'sale' AND o.company_id = %(company)s AND l.display_type IS NULL AND l.product_id IS NOT NULL
   AND o.date_order >= %(start)s AND o.date_order < %(stop)s
 GROUP BY o.user_id
"""
# the rows of the payroll export: a statement per salesperson, every line with its document
EXPORT_SQL = """
SELECT s.id, p.name, l.id, l.document_date, l.credited_amount, l.rate, l.amount, l.rule_data, l.origin_line_id
  FROM spm_payout_statement s JOIN res_users u ON u.id = s.user_id JOIN res_partner p ON p.id = u.partner_id
  JOIN spm_payout_line l ON l.statement_id = s.id
 WHERE s.run_id = %(run)s ORDER BY p.name, s.id, l.document_date, l.id
"""
COUNTER = "spm_bench.statements_created"  # the automation rule counts the statements it ran on here
CONFIGURED = {"spm.payout.statement": ("x_bench_cost_center", "SALES-01"), "spm.payout.line": ("x_bench_code", "P")}


def main():
    args = parse_args(
        __doc__,
        extra=[
            (
                "--configured",
                {
                    "action": "store_true",
                    "help": "add a required custom field with a default on statements and lines and an automation "
                    "rule on statements first",
                },
            )
        ],
    )
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
        mode = "configured (custom fields, defaults, automation rule)" if args.configured else "plain"
        print(f"Payout benchmark on {args.database}, {mode}: {participants} participants, {start} to {end}")
        if args.configured:
            configure(env)
        env.cr.commit()
        try:
            with timer("run", "(a) compute the payout run (statements and lines)"):
                run.action_compute()
                run._finish_jobs()
                env.flush_all()
            env.cr.commit()
            report(env, run, start, end, timer, args.configured)
            if not args.configured:
                time_export(env, run, timer, EXPORT_SQL, {"run": run.id})
                with timer("approve", "(y) Approve My Scope as an administrator: every statement"):
                    run.action_approve()
                    env.flush_all()
                with timer("lock", "(z) Lock, as finance does"):
                    run.action_lock()
                    env.flush_all()
                print(
                    f"RESULT approve {timer['approve']:.2f} s, lock {timer['lock']:.2f} s "
                    f"(web requests: goal < 30 s); run {run.state}"
                )
        finally:
            if not args.keep:
                env.cr.rollback()
                env.cr.execute("DELETE FROM spm_payout_run WHERE id = %s", [run.id])
                env.cr.execute("DELETE FROM spm_job WHERE res_model = 'spm.payout.run' AND res_id = %s", [run.id])
                env.cr.execute("DELETE FROM mail_message WHERE model = 'spm.payout.run' AND res_id = %s", [run.id])
                env.cr.execute("DELETE FROM spm_incentive_plan WHERE id = %s", [plan.id])
                if args.configured:
                    unconfigure(env)
                env.cr.commit()


def configure(env):
    """What an administrator adds in Settings > Technical: a required field with a default value on
    statements and on lines (existing rows get the default first, as Odoo asks), and an automation
    rule counting the statements created."""
    for model, (name, default) in CONFIGURED.items():
        field = env["ir.model.fields"].create(
            {"name": name, "field_description": name, "model_id": env["ir.model"]._get_id(model), "ttype": "char",
             "state": "manual"}
        )  # fmt: skip
        env["ir.default"].set(model, name, default)
        env.cr.execute(f'UPDATE "{env[model]._table}" SET "{name}" = %s', [default])
        field.required = True
    rule = env["base.automation"].create(
        {"name": "Bench: count statements", "model_id": env["ir.model"]._get_id("spm.payout.statement"),
         "trigger": "on_create"}
    )  # fmt: skip
    rule.action_server_ids = [
        (0, 0, {"name": "Bench: count statements", "model_id": rule.model_id.id, "state": "code",
                "usage": "base_automation",
                "code": f"param = env['ir.config_parameter'].sudo()\n"
                        f"param.set_param('{COUNTER}', int(param.get_param('{COUNTER}', 0)) + len(records))"})
    ]  # fmt: skip
    env["ir.config_parameter"].set_param(COUNTER, 0)


def unconfigure(env):
    env["base.automation"].search([("name", "=", "Bench: count statements")]).unlink()
    env["ir.actions.server"].search([("name", "=", "Bench: count statements")]).unlink()
    env["ir.config_parameter"].search([("key", "=", COUNTER)]).unlink()
    for model, (name, _default) in CONFIGURED.items():
        env["ir.default"].search([("field_id.model", "=", model), ("field_id.name", "=", name)]).unlink()
        env["ir.model.fields"].search([("model", "=", model), ("name", "=", name)]).unlink()


def report(env, run, start, end, timer, configured):
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
    job = run.job_id
    print(f"  statements {len(ours)}, payout lines {lines}, total paid {paid:,.2f}")
    print(f"  computed {'in the background, ' + str(job.total) + ' to do' if job else 'at once'}")
    print(f"  salespeople compared with raw SQL: {len(raw)}; mismatches: {mismatches}")
    if configured:
        (statement_field, default), (line_field, line_default) = CONFIGURED.values()
        env.cr.execute(
            f'SELECT COUNT(*) FROM spm_payout_statement WHERE run_id = %s AND "{statement_field}" = %s',
            [run.id, default],
        )
        defaults = {"spm.payout.statement": env.cr.fetchone()[0]}
        env.cr.execute(
            f"SELECT COUNT(*) FROM spm_payout_line l JOIN spm_payout_statement s ON s.id = l.statement_id "
            f'WHERE s.run_id = %s AND l."{line_field}" = %s',
            [run.id, line_default],
        )
        defaults["spm.payout.line"] = env.cr.fetchone()[0]
        fired = int(env["ir.config_parameter"].get_param(COUNTER, 0))
        print(
            f"  defaults: {defaults['spm.payout.statement']} statements, {defaults['spm.payout.line']} lines; "
            f"automation rule fired {fired} times"
        )
        mismatches += (defaults["spm.payout.statement"] != len(ours)) + (defaults["spm.payout.line"] != lines)
        mismatches += fired != len(ours)
    print(f"  peak memory {peak_memory_mb():.0f} MB")
    print(
        f"RESULT payout run{' (configured)' if configured else ''} over {lines} credited order lines: "
        f"{timer['run']:.2f} s (goal < 60 s, limit 120 s); / raw SQL = {timer['run'] / max(timer['raw'], 1e-9):.1f}x; "
        f"peak memory {peak_memory_mb():.0f} MB (limit 2 GB)"
    )
    if mismatches:
        print(f"ERROR: {mismatches} figures differ from what is expected", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
