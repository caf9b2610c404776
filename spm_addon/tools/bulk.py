"""Bulk writes with PostgreSQL COPY: for the few places that write tens of thousands of rows at once.

The ORM stays the way records are created and changed one form at a time; a cascade of 170,000
targets or a demo database of a million order lines goes in through COPY, after ``flush`` and
followed by ``invalidate``.
"""

import contextlib
import io

from odoo.tools import SQL

NULL = "\\N"  # None in the text format of COPY
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": " ", "\n": "\\n", "\r": " "})


def copy_text(value):
    """One value in the text format of COPY."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if type(value) is str:
        return value.translate(_ESCAPES)
    return str(value)


def copy_rows(cr, table, columns, rows, batch=50_000, formatted=False):
    """COPY ``rows`` (tuples in the order of ``columns``) into ``table``; returns the row count.

    Rows are sent ``batch`` at a time, so the text of a million rows is never held in memory at once.
    ``formatted``: the caller has passed every text, date and None through ``copy_text`` already and
    the other values are numbers, so ``str`` is enough (several times faster on large sets).
    """
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    count = 0
    lines = []
    convert = str if formatted else copy_text
    for row in rows:
        lines.append("\t".join(map(convert, row)))
        if len(lines) == batch:
            count += _copy_lines(cr, statement, lines)
            lines = []
    return count + _copy_lines(cr, statement, lines)


def _copy_lines(cr, statement, lines):
    if lines:
        data = ("\n".join(lines) + "\n").encode()  # Odoo's connections speak UTF-8
        cr._obj.copy_expert(statement, io.BytesIO(data), size=1 << 20)
    return len(lines)


def reserve_ids(cr, table, count):
    """``count`` new ids from the table's sequence, in increasing order."""
    if not count:
        return []
    cr.execute(f"SELECT nextval('{table}_id_seq') FROM generate_series(1, %s)", [count])
    return [row[0] for row in cr.fetchall()]


def update_rows(cr, table, columns, rows, formatted=False):
    """Set ``columns`` ({name: SQL type}) of many rows of ``table`` from (id, values...) tuples, in one
    UPDATE joined to a temporary table filled by COPY (``formatted``: as in ``copy_rows``)."""
    names = list(columns)
    cr.execute(
        SQL(
            "CREATE TEMP TABLE spm_bulk_update (id integer PRIMARY KEY, %s) ON COMMIT DROP",
            SQL(", ").join(SQL("%s %s", SQL.identifier(name), SQL(kind)) for name, kind in columns.items()),
        )
    )
    try:
        copy_rows(cr, "spm_bulk_update", ["id", *names], rows, formatted=formatted)
        cr.execute(
            SQL(
                "UPDATE %s t SET %s FROM spm_bulk_update u WHERE t.id = u.id",
                SQL.identifier(table),
                SQL(", ").join(SQL("%s = u.%s", SQL.identifier(name), SQL.identifier(name)) for name in names),
            )
        )
    finally:
        cr.execute("DROP TABLE spm_bulk_update")


@contextlib.contextmanager
def checks_after_load(cr, table):
    """Load ``table`` with its foreign keys set aside, then add them back: PostgreSQL then checks every
    row in one pass per key instead of one lookup per row and key, as ``pg_restore`` loads data before
    constraints. For bulk loads of data consistent by construction (the demo data generator): a
    dangling reference still fails, when the key is added back. Needs the table's owner; the
    statements are transactional, so a rollback restores the keys."""
    cr.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass",
        [table],
    )
    keys = cr.fetchall()
    for name, _definition in keys:
        cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(table), SQL.identifier(name)))
    yield
    for name, definition in keys:
        cr.execute(
            SQL("ALTER TABLE %s ADD CONSTRAINT %s %s", SQL.identifier(table), SQL.identifier(name), SQL(definition))
        )


@contextlib.contextmanager
def without_jit(cr):
    """Run a large grouped query without PostgreSQL's JIT compiler, which can spend seconds compiling
    a query that runs in one (measured at bench scale: 2.1 s of JIT in a 3.2 s quota refresh query).
    The setting is local to the transaction and restored after; a rollback restores it too."""
    cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
    previous = cr.fetchone()[0]
    yield
    cr.execute("SELECT set_config('jit', %s, true)", [previous])
