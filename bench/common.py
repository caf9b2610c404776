"""Shared plumbing of the benchmarks: open an Odoo registry on a database, time blocks, print figures."""

import argparse
import contextlib
import io
import os
import resource
import time

import openpyxl

import odoo
from odoo.tools import config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def addons_path():
    """Odoo's addons folders and this repository (where spm_addon lives)."""
    odoo_root = os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))
    paths = [os.path.join(odoo_root, "odoo", "addons"), os.path.join(odoo_root, "addons"), ROOT]
    return ",".join(path for path in paths if os.path.isdir(path))


def parse_args(description, default_db="spm_bench", extra=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-d", "--database", default=default_db)
    parser.add_argument("--db-host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument("--db-port", default=os.environ.get("PGPORT", "5432"))
    parser.add_argument("--db-user", default=os.environ.get("PGUSER", "odoo"))
    parser.add_argument("--keep", action="store_true", help="commit what the benchmark created")
    for name, kwargs in extra or ():
        parser.add_argument(name, **kwargs)
    return parser.parse_args()


_PARSED = []  # Odoo's configuration is parsed once a process: a second parse fails (KeyError 'load_language')


@contextlib.contextmanager
def environment(args):
    """An environment as superuser on the database; rolled back at the end unless --keep."""
    if not _PARSED:
        config.parse_config(
            [
                "--db_host",
                args.db_host,
                "--db_port",
                str(args.db_port),
                "--db_user",
                args.db_user,
                "--addons-path",
                addons_path(),
                "--log-level",
                os.environ.get("BENCH_LOG", "warn"),
            ]
        )
        _PARSED.append(True)
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        try:
            yield env
        finally:
            if args.keep:
                cr.commit()
            else:
                cr.rollback()


class Timer:
    """Wall-clock timings of named steps, printed as a table."""

    def __init__(self):
        self.rows = []

    @contextlib.contextmanager
    def __call__(self, key, label):
        start = time.perf_counter()
        yield
        self.rows.append((key, time.perf_counter() - start))
        print(f"  {label:<58} {self.rows[-1][1]:8.2f} s", flush=True)

    def __getitem__(self, name):
        return dict(self.rows)[name]


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_export(env, record, timer, raw_sql, params):
    """Time the record's xlsx export as its background job makes it (``_export_xlsx``), and the same
    rows read by one hand-written SELECT; print the workbook's size and sheets."""
    with timer("export", "(x) the xlsx export, as its background job makes it"):
        content = record._export_xlsx()
    with timer("export_raw", "(x') raw SQL SELECT of the same rows"):
        env.cr.execute(raw_sql, params)
        rows = len(env.cr.fetchall())
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    sheets = ", ".join(f"{sheet.title} {sheet.max_row:,} rows" for sheet in book.worksheets)
    print(f"  workbook {len(content) / 1e6:.1f} MB: {sheets}; raw SELECT {rows:,} rows")
    print(
        f"RESULT export {timer['export']:.2f} s (in the background above 20,000 rows; goal < 10 min); "
        f"export / raw SELECT = {timer['export'] / max(timer['export_raw'], 1e-9):.0f}x; "
        f"peak memory {peak_memory_mb():.0f} MB"
    )
