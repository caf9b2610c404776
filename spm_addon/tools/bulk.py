"""Bulk writes: the one place that decides how the addon writes many records at once.

``insert`` and ``update`` take rows of the addon's own columns. When nothing an admin configured on the
model would be skipped, they write with PostgreSQL COPY (a cascade of 170,000 targets, a million payout
lines), filling the audit columns as the ORM would. When something is configured - a custom or another
module's stored field, an ``ir.default``, an automation rule that fires on save, a tracked field among
the written columns, Properties with values to default - they write through the ORM in batches, so the
admin's configuration holds exactly as for the same change made in a form. ``orm_reasons`` says which.

The lower functions (``copy_rows``, ``update_rows``) are for the demo-data generator, which fills
Odoo's own tables of a fresh database; the addon's models go through ``insert`` and ``update``.
"""

import contextlib
import io
import json
import re
import time
from collections import defaultdict

from odoo.tools import SQL, float_round, split_every

NULL = "\\N"  # None in the text format of COPY
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": " ", "\n": "\\n", "\r": " "})
_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPES = {"n": "\n", "\\": "\\"}


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


def update_rows(cr, table, columns, rows, formatted=False, extra=None):
    """Set ``columns`` ({name: SQL type}) of many rows of ``table`` from (id, values...) tuples, in one
    UPDATE joined to a temporary table filled by COPY (``formatted``: as in ``copy_rows``); ``extra``:
    {column: value} set on every row (the audit columns)."""
    names = list(columns)
    cr.execute(
        SQL(
            "CREATE TEMP TABLE spm_bulk_update (id integer PRIMARY KEY, %s) ON COMMIT DROP",
            SQL(", ").join(SQL("%s %s", SQL.identifier(name), SQL(kind)) for name, kind in columns.items()),
        )
    )
    try:
        copy_rows(cr, "spm_bulk_update", ["id", *names], rows, formatted=formatted)
        assignments = [SQL("%s = u.%s", SQL.identifier(name), SQL.identifier(name)) for name in names]
        assignments += [SQL("%s = %s", SQL.identifier(name), value) for name, value in (extra or {}).items()]
        cr.execute(
            SQL(
                "UPDATE %s t SET %s FROM spm_bulk_update u WHERE t.id = u.id",
                SQL.identifier(table),
                SQL(", ").join(assignments),
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


# Modules whose fields a bulk write of the addon knows: its own, and the ORM's and chatter's plumbing.
KNOWN_MODULES = {"spm_addon", "base", "mail"}
# automation triggers that fire when a record is saved (the others run on a schedule, a message, a
# webhook, a deletion or a form's onchange, none of which a bulk write does)
SAVE_TRIGGERS = {
    "on_create_or_write", "on_stage_set", "on_user_set", "on_tag_set", "on_state_set", "on_priority_set",
    "on_archive", "on_unarchive",
}  # fmt: skip
ORM_BATCH = 1000


def _configured(field):
    """A stored field an admin added (a custom field) or another module added to the addon's model
    (one2many fields store nothing of their own)."""
    return field.store and field.type != "one2many" and (field.manual or (field._module or "") not in KNOWN_MODULES)


def orm_reasons(model, fnames, create=False, containers=None):
    """What an admin configured on ``model`` that a bulk write of the fields ``fnames`` would skip, in
    words (empty: COPY and UPDATE do exactly what the ORM would). ``containers``: {field: ids} of the
    records the new rows point to (their Properties definitions matter, not every one's)."""
    env = model.env
    reasons = []
    if create:
        extra = sorted(name for name, field in model._fields.items() if _configured(field))
        if extra:
            reasons.append(f"fields {', '.join(extra)}")
        if env["ir.default"].sudo().search_count([("field_id.model", "=", model._name)], limit=1):
            reasons.append("default values (ir.default)")
        for field in model._fields.values():
            if field.type == "properties" and _has_properties(model, field, containers):
                reasons.append(f"properties of {field.name}")
    else:
        written = [model._fields[name] for name in fnames]
        tree = model.pool.get_trigger_tree(written, select=_configured)
        dependents = sorted({field.name for node in tree.depth_first() for field in node.root})
        if dependents:
            reasons.append(f"stored fields computed from them: {', '.join(dependents)}")
        if hasattr(model, "_track_get_fields") and not env.context.get("tracking_disable"):
            tracked = sorted(set(model._track_get_fields()) & set(fnames))
            if tracked:
                reasons.append(f"tracked fields {', '.join(tracked)}")
    if "base.automation" in env:
        triggers = SAVE_TRIGGERS | {"on_create" if create else "on_write"}
        rules = (
            env["base.automation"]
            .sudo()
            .search([("model_id.model", "=", model._name), ("trigger", "in", list(triggers))])
        )
        if not create:
            rules = rules.filtered(
                lambda rule: not rule.trigger_field_ids or set(rule.trigger_field_ids.mapped("name")) & set(fnames)
            )
        if rules:
            reasons.append(f"automation rules {', '.join(rules.mapped('name'))}")
    return reasons


def _has_properties(model, field, containers=None):
    """Whether the definition records of the Properties ``field`` (those of ``containers`` when the
    rows say which) define properties, whose defaults the ORM's create applies."""
    container_field, definition = field.definition.split(".", 1)
    comodel = model.env[model._fields[container_field].comodel_name].sudo()
    domain = [(definition, "!=", False)]
    if containers is not None and container_field in containers:
        domain.append(("id", "in", list(containers[container_field])))
    return bool(comodel.search_count(domain, limit=1))


def insert(model, columns, rows, refs=None, parent=None, formatted=False):
    """Create records of ``model`` from ``rows``, tuples in the order of ``columns`` whose first column
    is ``id``, holding ids taken with ``reserve_ids`` (other rows may point to them). Returns
    {reserved id: id of the record}: the same id on the COPY path, the ORM's on the ORM path.

    ``refs``: {column: {reserved id: record id}} for columns pointing to rows of an earlier ``insert``;
    ``parent``: a column pointing to rows of this insert (parents are then created before children).
    ``formatted``: as in ``copy_rows``. Audit columns are filled as the ORM fills them. A Json column
    takes JSON text (or, unless ``formatted``, a value to write as JSON).
    """
    assert columns[0] == "id"
    rows = list(rows)
    if not rows:
        return {}
    if not formatted:
        rows = _json_texts(model, columns, rows)
    names = columns[1:]
    holders = {field.definition.split(".", 1)[0] for field in model._fields.values() if field.type == "properties"}
    containers = {
        name: {int(row[position]) if formatted else row[position] for row in rows if row[position] not in (None, NULL)}
        for position, name in enumerate(columns)
        if name in holders
    }
    reasons = orm_reasons(model, names, create=True, containers=containers)
    if not reasons:
        refs = {name: mapping for name, mapping in (refs or {}).items() if any(k != v for k, v in mapping.items())}
        if refs:  # an earlier insert went through the ORM: point to its records
            positions = {columns.index(name): mapping for name, mapping in refs.items()}
            rows = [_remapped(row, positions, formatted) for row in rows]
        audit = _audit(model, formatted)
        if not formatted:
            rows = _rounded(model, columns, rows)
        copy_rows(
            model.env.cr, model._table, [*columns, *audit], (row + tuple(audit.values()) for row in rows),
            formatted=formatted,
        )  # fmt: skip
        model.invalidate_model()
        ids = [int(row[0]) if formatted else row[0] for row in rows]
        return dict(zip(ids, ids, strict=True))
    return _insert_orm(model, columns, rows, refs or {}, parent, formatted)


def _json_texts(model, columns, rows):
    """Rows with the values of Json columns as JSON text, as COPY takes them."""
    fields_ = model._fields
    positions = [position for position, name in enumerate(columns) if name in fields_ and fields_[name].type == "json"]
    if not positions:
        return rows
    return [
        tuple(
            json.dumps(value) if position in positions and value is not None and type(value) is not str else value
            for position, value in enumerate(row)
        )
        for row in rows
    ]


def _rounded(model, columns, rows):
    """Rows with float values rounded to their field's digits, as the ORM stores them (the COPY path
    must leave in the database what a form would)."""
    digits = {
        position: field.get_digits(model.env)[1]
        for position, field in enumerate(model._fields.get(name) for name in columns)
        if field is not None and field.type == "float" and field.get_digits(model.env)
    }
    if not digits:
        return rows
    return [
        tuple(
            float_round(value, precision_digits=digits[position]) if position in digits and value is not None else value
            for position, value in enumerate(row)
        )
        for row in rows
    ]


def _audit(model, formatted):
    """The audit columns as the ORM fills them: the user who writes, the transaction's timestamp."""
    if not model._log_access:
        return {}
    now, uid = model.env.cr.now(), model.env.uid
    values = {"create_uid": uid, "create_date": now, "write_uid": uid, "write_date": now}
    return {name: copy_text(value) for name, value in values.items()} if formatted else values


def _remapped(row, positions, formatted):
    row = list(row)
    for position, mapping in positions.items():
        value = row[position]
        key = int(value) if formatted and value != NULL else value
        if key in mapping:
            row[position] = str(mapping[key]) if formatted else mapping[key]
    return tuple(row)


def _derived(field):
    """A related or computed field: the COPY path writes it as the ORM would compute it; the ORM path
    leaves it to the ORM."""
    return bool(field.related or (field.compute and field.readonly))


def _insert_orm(model, columns, rows, refs, parent, formatted):
    """The ORM path of ``insert``: ``create`` in batches, a generation of the tree at a time."""
    names = columns[1:]
    derived = {name for name in names if _derived(model._fields[name])}
    jsons = [name for name in names if model._fields[name].type == "json"]
    decode = _decoder(model, names) if formatted else None
    records = model.sudo().with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
    created = {}
    reserved = {int(row[0]) if formatted else row[0] for row in rows}
    pending = rows
    parent_at = columns.index(parent) - 1 if parent else None
    while pending:
        ready, later = [], []
        for row in pending:
            vals = dict(zip(names, decode(row[1:]) if decode else row[1:], strict=True))
            vals = {name: value for name, value in vals.items() if name not in derived}
            for name in jsons:  # JSON text, as the COPY path writes it
                if not decode and isinstance(vals.get(name), str):
                    vals[name] = json.loads(vals[name])
            for name, mapping in refs.items():
                if vals.get(name) in mapping:
                    vals[name] = mapping[vals[name]]
            if parent:
                key = vals[names[parent_at]]
                if key in reserved:
                    if key not in created:
                        later.append(row)
                        continue
                    vals[parent] = created[key]
            ready.append((int(row[0]) if formatted else row[0], vals))
        if not ready:
            raise ValueError(f"rows of {model._name} point to parents that are not among them")
        for batch in split_every(ORM_BATCH, ready):
            new = records.create([vals for _key, vals in batch])
            created.update(zip((key for key, _vals in batch), new.ids, strict=True))
            model.env.flush_all()
        pending = later
    return created


def _decoder(model, names):
    """Turn a row of COPY text back into values the ORM takes."""
    kinds = [model._fields[name].type for name in names]

    def decode(values):
        result = []
        for kind, value in zip(kinds, values, strict=True):
            if value == NULL:
                result.append(False)
            elif kind in ("integer", "many2one", "many2one_reference"):
                result.append(int(value))
            elif kind in ("float", "monetary"):
                result.append(float(value))
            elif kind == "boolean":
                result.append(value == "t")
            elif kind in ("char", "text", "selection", "html"):
                result.append(_UNESCAPE.sub(lambda match: _UNESCAPES.get(match[1], match[1]), value))
            elif kind == "json":
                result.append(json.loads(_UNESCAPE.sub(lambda match: _UNESCAPES.get(match[1], match[1]), value)))
            else:
                result.append(value)
        return result

    return decode


def update(model, columns, rows, formatted=False):
    """Set ``columns`` ({name: SQL type}) of many records of ``model`` from (id, values...) rows: one
    UPDATE (with write_uid and write_date) when nothing configured needs the ORM, else ``write`` in
    batches, records with the same values together."""
    rows = list(rows)
    if not rows:
        return
    names = list(columns)
    reasons = orm_reasons(model, names)
    if not reasons:
        audit = _audit(model, formatted)
        audit.pop("create_uid", None)
        audit.pop("create_date", None)
        if not formatted:
            rows = _rounded(model, ["id", *names], rows)
        update_rows(model.env.cr, model._table, columns, rows, formatted=formatted, extra=audit)
        model.invalidate_model([*names, *audit])
        return
    decode = _decoder(model, names) if formatted else None
    kept = [position for position, name in enumerate(names) if not _derived(model._fields[name])]
    same = defaultdict(list)
    for row in rows:
        values = decode(row[1:]) if decode else row[1:]
        same[tuple(values[position] for position in kept)].append(int(row[0]) if formatted else row[0])
    records = model.sudo()
    for values, ids in same.items():
        for batch in split_every(ORM_BATCH, ids):
            records.browse(batch).write(dict(zip([names[position] for position in kept], values, strict=True)))
    model.env.flush_all()


# When something configured sends a background job's writes through the ORM (an automation rule, a
# custom computed field...), a step of the job writes chunks of ORM_CHUNK rows until STEP_SECONDS have
# passed or ORM_LINES_PER_STEP rows are written: no batch holds long, however heavy the rules (and
# each step commits, so that no transaction gathers the environments of thousands of rule runs).
ORM_CHUNK = 500
ORM_LINES_PER_STEP = 20_000
STEP_SECONDS = 20


def moved(new, old, unit):
    """Whether a figure moved from ``old`` to ``new`` by more than half of ``unit``, the rounding of its
    field, as the ORM sees it: a value it stored rounded has not moved (the relative term absorbs the
    float error of large amounts, so that a value written is never seen as moved again), and an empty
    column is zero (the ORM does not write 0 over it)."""
    old = old or 0.0
    return abs(new - old) > unit / 2 + (abs(new) + abs(old)) * 1e-12


def write_in_steps(rows, write, orm):
    """Write ``rows`` with ``write(chunk)``: all at once on the COPY/UPDATE path; through the ORM
    (``orm``), chunks of ORM_CHUNK while fewer than ORM_LINES_PER_STEP rows are written and
    STEP_SECONDS have not passed. Returns how many of the first ``rows`` were written."""
    if not orm:
        write(rows)
        return len(rows)
    start, done, limit = time.monotonic(), 0, min(ORM_LINES_PER_STEP, len(rows))
    while done < limit and (not done or time.monotonic() - start < STEP_SECONDS):
        chunk = rows[done : min(done + ORM_CHUNK, limit)]
        write(chunk)
        done += len(chunk)
    return done
