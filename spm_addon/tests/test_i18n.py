import re

import polib

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationFileReader, TranslationModuleReader

from .common import SpmCommon

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-.0-9]*[sdf]|%[sd]")


@tagged("post_install", "-at_install")
class TestI18n(SpmCommon):
    """Simplified Chinese is complete: every user-facing string has a translation that keeps its
    placeholders, and the translation is what a zh_CN user sees."""

    def _terms(self):
        """The terms Odoo exports for spm_addon, less the fields an app outside its dependencies adds to its
        models when installed first (Ratings, from the rating module of Project and eCommerce, on each model
        with a chatter): their translations are that app's."""
        addon = self.env["ir.module.module"].search([("name", "=", "spm_addon")])
        own = {"spm_addon", *addon.upstream_dependencies(exclude_states=("uninstallable",)).mapped("name")}
        for row in TranslationModuleReader(self.env.cr, ["spm_addon"]):
            __, ttype, name, res_id, __, __, __ = row
            if ttype == "model" and name.startswith("ir.model.fields,"):
                record = self.env.ref(res_id, raise_if_not_found=False)
                field = record and record._name == "ir.model.fields" and self.env[record.model]._fields.get(record.name)
                if field and field._module not in own:
                    continue
            yield row

    def test_every_term_translated(self):
        catalogue = polib.pofile(file_path("spm_addon/i18n/zh_CN.po"))
        translated = {entry.msgid: entry.msgstr for entry in catalogue if entry.msgstr and not entry.obsolete}
        terms = {source for __, __, __, __, source, __, __ in self._terms()}
        self.assertGreater(len(terms), 200)
        missing = sorted(term for term in terms if term not in translated)
        self.assertFalse(missing, "no Simplified Chinese translation in i18n/zh_CN.po for:\n" + "\n".join(missing))
        for msgid, msgstr in translated.items():
            self.assertEqual(
                sorted(PLACEHOLDER.findall(msgid)),
                sorted(PLACEHOLDER.findall(msgstr)),
                f"placeholders differ in the translation of {msgid!r}",
            )

    def test_catalogue_and_template_agree(self):
        """Odoo merges the .pot into the .po it loads: a translation whose term is missing from the
        template becomes obsolete and is silently dropped. Every translation must reach Odoo."""
        catalogue = polib.pofile(file_path("spm_addon/i18n/zh_CN.po"))
        with open(file_path("spm_addon/i18n/zh_CN.po"), "rb") as po_file:
            loaded = {row["src"] for row in TranslationFileReader(po_file, fileformat="po")}
        dropped = sorted(entry.msgid for entry in catalogue if entry.msgstr and entry.msgid not in loaded)
        self.assertFalse(dropped, "translations Odoo drops (run tools/i18n_update.py):\n" + "\n".join(dropped))

    def test_template_lists_every_place(self):
        """Odoo merges i18n/spm_addon.pot into zh_CN.po when it loads it: the template's places replace
        the catalogue's, and an entry missing from the template is dropped. So the template must name
        every record and view each term is in (a stale one left the Alerts and Reporting menus in English)."""
        template = polib.pofile(file_path("spm_addon/i18n/spm_addon.pot"))
        places = {entry.msgid: {occurrence for occurrence, __ in entry.occurrences} for entry in template}
        missing = sorted(
            f"{ttype}:{name}:{res_id} {source!r}"
            for __, ttype, name, res_id, source, __, __ in self._terms()
            if ttype in ("model", "model_terms") and f"{ttype}:{name}:{res_id}" not in places.get(source, ())
        )
        self.assertFalse(missing, "i18n/spm_addon.pot lacks (export it again):\n" + "\n".join(missing[:50]))

    def test_chinese_user_sees_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        self.assertEqual(zh.ref("spm_addon.spm_measure_sales_revenue").name, "已确认销售额")
        self.assertEqual(zh.ref("spm_addon.menu_spm_root").name, "销售绩效管理")
        plan = self._plan(time_split="none", allocation_method="equal")
        plan.action_allocate()
        line = self._line(plan, level="user", user_id=self.rep1)
        with self.assertRaises(ValidationError) as caught:
            line.with_env(zh).target = -5
        self.assertIn("的目标不能为负数", str(caught.exception))
