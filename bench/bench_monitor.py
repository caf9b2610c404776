"""Benchmark of the monitoring rules at bench scale (issue 15).

    python3 bench/bench_monitor.py -d spm_bench

Creates one rule of each kind, runs it twice (the daily round, then the next day's round, which must
raise nothing new) and prints the time of each run, the hits raised and the queries. Everything is
rolled back at the end.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from common import Timer, environment, parse_args, peak_memory_mb

from odoo import fields

RULES = [
    {"name": "Stalled 30 days", "kind": "stage_aging", "stage_days": 30, "responsible": "manager"},
    {"name": "Overdue activities", "kind": "overdue_activity", "overdue_days": 7, "min_count": 3},
    {"name": "Few visits", "kind": "visits_below_norm"},
    {"name": "Revenue drop", "kind": "kpi_drop", "measure": "spm_addon.spm_measure_sales_revenue"},
    {"name": "Churn risk", "kind": "churn_risk", "grace_days": 14},
]


def main():
    args = parse_args(__doc__.splitlines()[0])
    timer = Timer()
    with environment(args) as env:
        today = fields.Date.context_today(env["spm.monitor.rule"])
        people = env["res.users"].search_count([("share", "=", False)])
        print(f"{people:,} internal users, today {today}")
        for spec in RULES:
            vals = dict(spec)
            measure = vals.pop("measure", None)
            if measure:
                vals["measure_id"] = env.ref(measure).id
            rule = env["spm.monitor.rule"].create(vals)
            queries = env.cr.sql_log_count
            with timer(rule.kind, f"{rule.name}: first run"):
                hits = rule._run(today)
                env.flush_all()
            first_queries = env.cr.sql_log_count - queries
            with timer(rule.kind + "_again", f"{rule.name}: the next day's run"):
                again = rule._run(today)
                env.flush_all()
            print(
                f"    {len(hits):,} hits and activities ({first_queries:,} queries), "
                f"{len(again):,} new the next run"
            )
        print(f"RESULT peak memory {peak_memory_mb():.0f} MB")


if __name__ == "__main__":
    main()
