from datetime import date

from odoo.tests import tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestAuditColumns(SpmCommon):
    """Every model of the addon keeps Odoo's audit columns (who created and last changed a record, and
    when), also those written in bulk: the bulk writer fills them as the ORM would."""

    def test_every_model_logs_access(self):
        models = [name for name in self.env.registry if name.startswith("spm.")]
        self.assertIn("spm.payout.line", models)
        self.assertIn("spm.attainment.fact", models)
        stored = [name for name in models if self.env[name]._auto and not self.env[name]._abstract]
        self.assertTrue(stored)
        without = [name for name in stored if not self.env[name]._log_access]
        self.assertEqual(without, [], "models without create_uid, create_date, write_uid and write_date")
        for name in stored:
            Model = self.env[name]
            self.assertTrue({"create_uid", "create_date", "write_uid", "write_date"} <= set(Model._fields), Model._name)

    def test_attainment_facts_name_who_rebuilt_them(self):
        self._order(self.rep1, 1_000, date(2026, 1, 10))
        plan = self._plan(allocation_method="equal", time_split="none")
        plan.action_allocate()
        plan.action_activate()
        plan.with_user(self.spm_admin)._refresh_figures(today=date(2026, 1, 31))
        self.env.flush_all()
        facts = self.env["spm.attainment.fact"].search([("plan_id", "=", plan.id)])
        self.assertTrue(facts)
        self.assertEqual((facts.create_uid, facts.write_uid), (self.spm_admin, self.spm_admin))
        # the transaction's timestamp, as the ORM writes it
        self.assertEqual(set(facts.mapped("create_date")), {self.env.cr.now()})
        self.assertEqual(set(facts.mapped("write_date")), {self.env.cr.now()})
