"""Refresh spm_addon's translation template and merge it into the Simplified Chinese catalogue.

    python3 tools/i18n_update.py -d DB     (a database where spm_addon is installed and up to date)

Writes spm_addon/i18n/spm_addon.pot, merges it into zh_CN.po (existing translations kept, new
terms added empty, vanished ones dropped) and prints the terms that still need a translation.
The test ``test_i18n`` fails while any remains.
"""

import argparse
import io
import os
import sys

import polib

import odoo
from odoo.tools import config
from odoo.tools.translate import trans_export

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
I18N = os.path.join(ROOT, "spm_addon", "i18n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    odoo_root = os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__)))
    addons = ",".join(
        p
        for p in (os.path.join(odoo_root, "odoo", "addons"), os.path.join(odoo_root, "addons"), ROOT)
        if os.path.isdir(p)
    )
    config.parse_config(
        [
            "--db_host",
            os.environ.get("PGHOST", "127.0.0.1"),
            "--db_port",
            os.environ.get("PGPORT", "5432"),
            "--db_user",
            os.environ.get("PGUSER", "odoo"),
            "--addons-path",
            addons,
            "--log-level",
            "warn",
        ]
    )
    registry = odoo.modules.registry.Registry(args.database)
    buffer = io.BytesIO()
    with registry.cursor() as cr:
        trans_export(None, ["spm_addon"], buffer, "po", cr)
    pot_path = os.path.join(I18N, "spm_addon.pot")
    with open(pot_path, "wb") as handle:
        handle.write(buffer.getvalue())
    pot = polib.pofile(pot_path)
    po_path = os.path.join(I18N, "zh_CN.po")
    catalogue = polib.pofile(po_path, wrapwidth=78)
    catalogue.merge(pot)
    for entry in catalogue.obsolete_entries():
        catalogue.remove(entry)
    for entry in catalogue:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
    catalogue.save(po_path)
    missing = [entry.msgid for entry in catalogue if not entry.msgstr]
    print(f"{len(catalogue)} terms, {len(missing)} without a translation")
    for msgid in missing:
        print(f"  {msgid!r}")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
