"""Generate spm_addon's demo data into an Odoo database.

    python3 spm_addon/populate/run.py -c odoo.conf -d DB [--seed 42] [--scale tiny|small|bench]
                                      [--reps N] [--order-lines N] [--end-date YYYY-MM-DD]

Runs once per database: a second run finds the data there and does nothing. After the sales data it
sets up what an administrator would (quota plans of the current year), unless --no-setup.
"""

# pylint: disable=print-used,invalid-commit,odoo-addons-relative-import
# (a command-line script: it prints, commits its batches and imports the addon by its full name)
import argparse
import sys
from datetime import date

import odoo
from odoo.exceptions import UserError
from odoo.tools import config


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", choices=["tiny", "small", "bench"], default="small")
    parser.add_argument("--reps", type=int)
    parser.add_argument("--order-lines", type=int)
    parser.add_argument("--end-date", type=date.fromisoformat)
    parser.add_argument("--no-setup", action="store_true", help="sales data only, no quota plans")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(args.database)
    from odoo.addons.spm_addon.populate.generator import MARKER, demo_languages, generate
    from odoo.addons.spm_addon.populate.spm_setup import setup

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        demo_languages(env)
        cr.commit()
        seed = env["ir.config_parameter"].get_param(MARKER)
        if seed:
            print(f"Demo data (seed {seed}) is already in {args.database}: nothing to do.")
            return
        # one transaction: a failure leaves the database as it was, never half loaded
        try:
            counts = generate(
                env, seed=args.seed, scale=args.scale, end_date=args.end_date, reps=args.reps,
                order_lines=args.order_lines,
            )  # fmt: skip
        except UserError as error:  # refused before anything was written: the reason, without a traceback
            sys.exit(f"spm: {error.args[0]}")
        print(", ".join(f"{key} {value}" for key, value in counts.items()))
        if not args.no_setup:
            setup(env)
        cr.commit()


if __name__ == "__main__":
    main()
