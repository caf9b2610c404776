"""Every record and figure of spm_addon, before and after an upgrade (bin/spm-checks upgrade).

    python3 .ci/upgrade_figures.py -c odoo.conf -d DB snapshot FILE
    python3 .ci/upgrade_figures.py -c odoo.conf -d DB compare FILE

``snapshot`` writes, for every spm.* model with a table, the ids of its records and, for each stored
field, a figure: the count of values set, the sum of a number, the count of each value of a selection or
a boolean, and a digest of all the values in id order (texts, dates, links). ``compare`` reads the same
figures of the same records now and prints each difference: a record or field gone, a figure changed.
It exits 1 when there is one. Records and fields the new version adds are not compared; nothing is
recomputed (write_date and write_uid are left out: an upgrade may write a record without changing it).

A release that changes figures on purpose says so in ``spm_addon/migrations/<version>/changes.json``:
``{"model": {"domain": [...], "fields": [...], "why": "..."}}``: those fields of the records the domain
finds are left out of both figures (the records themselves and every other field are still compared);
the changes of the releases after the previous one (``.ci/previous-release``) apply.
"""

# pylint: disable=print-used
import argparse
import glob
import json
import os
import sys

import odoo
from odoo.tools import SQL, config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIPPED = {"id", "write_date", "write_uid"}
NUMBERS = {"integer", "float", "monetary"}
CATEGORIES = {"selection", "boolean"}


def _models(env):
    for name in sorted(env.registry):
        model = env[name]
        if name.startswith("spm.") and not model._transient and not model._abstract and model._auto:
            yield name, model


def _fields(model):
    for fname, field in sorted(model._fields.items()):
        if fname in SKIPPED or not field.store:
            continue
        if field.type == "many2many" or field.column_type:
            yield fname, field


def _field_figures(env, model, field, ids):
    """The figures of ``field`` over the records ``ids`` (a list), read with SQL (record rules, access
    rights and computations left out)."""
    table = SQL.identifier(model._table)
    if field.type == "many2many":
        rows = env.execute_query(
            SQL(
                "SELECT COUNT(*), md5(string_agg(%s::text || ':' || %s::text, ',' ORDER BY %s, %s)) "
                "FROM %s WHERE %s = ANY(%s)",
                SQL.identifier(field.column1),
                SQL.identifier(field.column2),
                SQL.identifier(field.column1),
                SQL.identifier(field.column2),
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                ids,
            )
        )
        return {"links": rows[0][0], "digest": rows[0][1]}
    column = SQL.identifier(field.name)
    rows = env.execute_query(
        SQL(
            "SELECT COUNT(%s), md5(string_agg(COALESCE(%s::text, '-'), '|' ORDER BY id)) FROM %s WHERE id = ANY(%s)",
            column,
            column,
            table,
            ids,
        )
    )
    figures = {"set": rows[0][0], "digest": rows[0][1]}
    if field.type in NUMBERS:
        total = env.execute_query(SQL("SELECT SUM(%s) FROM %s WHERE id = ANY(%s)", column, table, ids))[0][0]
        figures["sum"] = round(float(total or 0.0), 6)
    elif field.type in CATEGORIES:
        counts = env.execute_query(
            SQL("SELECT %s::text, COUNT(*) FROM %s WHERE id = ANY(%s) GROUP BY 1 ORDER BY 1", column, table, ids)
        )
        figures["values"] = {str(value): count for value, count in counts}
    return figures


def _version(text):
    return tuple(int(part) for part in text.split("."))


def _changes():
    """{model: [(domain, fields)]} that the releases since the previous one change on purpose."""
    with open(os.path.join(ROOT, ".ci", "previous-release"), encoding="utf-8") as src:
        previous = _version(src.read().split()[0])
    changes = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "spm_addon", "migrations", "*", "changes.json"))):
        if _version(os.path.basename(os.path.dirname(path))) <= previous:
            continue
        with open(path, encoding="utf-8") as src:
            for model, change in json.load(src).items():
                changes.setdefault(model, []).append((change["domain"], set(change["fields"])))
    return changes


def _ids_of(env, model, fname, ids, changes):
    """``ids`` less the records whose field ``fname`` a release changes on purpose."""
    left_out = set()
    for domain, fnames in changes.get(model._name, ()):
        if fname in fnames:
            left_out.update(model.with_context(active_test=False).search(domain).ids)
    return [record_id for record_id in ids if record_id not in left_out]


def snapshot(env):
    result = {}
    changes = _changes()
    for name, model in _models(env):
        ids = [row[0] for row in env.execute_query(SQL("SELECT id FROM %s ORDER BY id", SQL.identifier(model._table)))]
        result[name] = {
            "ids": ids,
            "fields": {
                fname: _field_figures(env, model, field, _ids_of(env, model, fname, ids, changes))
                for fname, field in _fields(model)
            },
        }
    return result


def compare(env, before):
    """Differences between the snapshot ``before`` and the same records now, one line each."""
    diffs = []
    changes = _changes()
    for name, old in before.items():
        if name not in env.registry:
            diffs.append(f"{name}: the model is gone ({len(old['ids'])} records)")
            continue
        model = env[name]
        now_ids = {row[0] for row in env.execute_query(SQL("SELECT id FROM %s", SQL.identifier(model._table)))}
        missing = [record_id for record_id in old["ids"] if record_id not in now_ids]
        if missing:
            diffs.append(f"{name}: {len(missing)} of {len(old['ids'])} records gone (ids {missing[:10]}...)")
        kept = [record_id for record_id in old["ids"] if record_id in now_ids]
        fields_now = dict(_fields(model))
        for fname, old_figures in old["fields"].items():
            field = fields_now.get(fname)
            if field is None:
                diffs.append(f"{name}.{fname}: the stored field is gone ({old_figures})")
                continue
            if missing:
                continue  # the digests cover the records that were there: reported above
            figures = _field_figures(env, model, field, _ids_of(env, model, fname, kept, changes))
            for key, value in old_figures.items():
                if figures.get(key) != value:
                    diffs.append(f"{name}.{fname}: {key} was {value}, is now {figures.get(key)}")
    return diffs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("action", choices=["snapshot", "compare"])
    parser.add_argument("file")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level", "warn"])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.action == "snapshot":
            figures = snapshot(env)
            with open(args.file, "w", encoding="utf-8") as out:
                json.dump(figures, out)
            records = sum(len(model["ids"]) for model in figures.values())
            values = sum(len(model["fields"]) for model in figures.values())
            print(f"upgrade: {records} records of {len(figures)} spm.* models, {values} fields recorded:")
            print("  " + ", ".join(f"{name} {len(model['ids'])}" for name, model in figures.items() if model["ids"]))
            return 0
        with open(args.file, encoding="utf-8") as src:
            before = json.load(src)
        diffs = compare(env, before)
        records = sum(len(model["ids"]) for model in before.values())
        if diffs:
            print(f"upgrade: {len(diffs)} differences after the upgrade:")
            for line in diffs:
                print(f"  {line}")
            return 1
        values = sum(len(model["fields"]) for model in before.values())
        print(
            f"upgrade: all {records} records of {len(before)} spm.* models kept, "
            f"the figures of their {values} fields equal."
        )
        return 0


if __name__ == "__main__":
    sys.exit(main())
