"""Bulk writes with PostgreSQL COPY: for the few places that write tens of thousands of rows at once.

The ORM stays the way records are created and changed one form at a time; a cascade of 170,000
targets or a demo database of a million order lines goes in through COPY, after ``flush`` and
followed by ``invalidate``.
"""

import io

from odoo.tools import SQL

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": " ", "\n": "\\n", "\r": " "})


def copy_text(value):
    """One value in the text format of COPY."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if type(value) is str:
        return value.translate(_ESCAPES)
    return str(value)


def copy_rows(cr, table, columns, rows):
    """COPY ``rows`` (tuples in the order of ``columns``) into ``table``; returns the row count."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(map(copy_text, row)))
        buffer.write("\n")
        count += 1
    if count:
        buffer.seek(0)
        cr._obj.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer, size=1 << 20)
    return count


def reserve_ids(cr, table, count):
    """``count`` new ids from the table's sequence, in increasing order."""
    if not count:
        return []
    cr.execute(f"SELECT nextval('{table}_id_seq') FROM generate_series(1, %s)", [count])
    return [row[0] for row in cr.fetchall()]


def update_rows(cr, table, columns, rows):
    """Set ``columns`` ({name: SQL type}) of many rows of ``table`` from (id, values...) tuples, in one
    UPDATE joined to a temporary table filled by COPY."""
    names = list(columns)
    cr.execute(
        SQL(
            "CREATE TEMP TABLE spm_bulk_update (id integer PRIMARY KEY, %s) ON COMMIT DROP",
            SQL(", ").join(SQL("%s %s", SQL.identifier(name), SQL(kind)) for name, kind in columns.items()),
        )
    )
    try:
        copy_rows(cr, "spm_bulk_update", ["id", *names], rows)
        cr.execute(
            SQL(
                "UPDATE %s t SET %s FROM spm_bulk_update u WHERE t.id = u.id",
                SQL.identifier(table),
                SQL(", ").join(SQL("%s = u.%s", SQL.identifier(name), SQL.identifier(name)) for name in names),
            )
        )
    finally:
        cr.execute("DROP TABLE spm_bulk_update")
