from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestMeasureAccess(SpmCommon):
    """An SPM administrator without Odoo's technical rights configures measures; nobody else does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.configurer = new_test_user(
            cls.env,
            "spm_configurer",
            groups="base.group_user,sales_team.group_sale_salesman,spm_addon.group_spm_admin",
            name="Carl Configurer",
        )
        cls.order_model = cls.env["ir.model"]._get("sale.order")

    @classmethod
    def _field(cls, name):
        return cls.env["ir.model.fields"]._get("sale.order", name)

    def test_administrator_creates_a_measure_in_the_form(self):
        self.assertFalse(self.configurer.has_group("base.group_system"))
        self.assertFalse(self.configurer.has_group("base.group_erp_manager"))
        with Form(self.env["spm.measure"].with_user(self.configurer)) as form:
            form.name = "Quotation volume"
            form.model_id = self.order_model
            self.assertEqual(form.model_name, "sale.order")
            form.date_field_id = self._field("date_order")
            form.user_field_id = self._field("user_id")
            form.team_field_id = self._field("team_id")
            form.aggregation = "sum"
            form.value_field_id = self._field("amount_untaxed")
            self.assertTrue(form.is_monetary)
        measure = form.record
        self.assertEqual(measure.create_uid, self.configurer)
        # and edits it
        with Form(measure.with_user(self.configurer)) as form:
            form.aggregation = "count"
        self.assertEqual(measure.aggregation, "count")
        self.assertFalse(measure.is_monetary)
        # the measure counts: rep1's two confirmed orders of January
        self._order(self.rep1, 100, date(2026, 1, 5))
        self._order(self.rep1, 200, date(2026, 1, 6))
        values = measure.with_user(self.configurer)._read_values(date(2026, 1, 1), date(2026, 1, 31))
        self.assertEqual(values[(self.rep1.id,)], 2)

    def test_administrator_creates_a_measure_by_rpc(self):
        measure = (
            self.env["spm.measure"]
            .with_user(self.configurer)
            .create(
                {
                    "name": "Order count",
                    "model_id": self.order_model.id,
                    "date_field_id": self._field("date_order").id,
                    "user_field_id": self._field("user_id").id,
                    "aggregation": "count",
                    "domain": "[('state', '=', 'sale')]",
                }
            )
        )
        measure.with_user(self.configurer).write({"name": "Confirmed order count"})
        self.assertEqual(measure.with_user(self.configurer).read(["model_name"])[0]["model_name"], "sale.order")

    def test_only_administrators_configure_measures(self):
        vals = {
            "name": "Mine",
            "model_id": self.order_model.id,
            "date_field_id": self._field("date_order").id,
            "user_field_id": self._field("user_id").id,
            "aggregation": "count",
        }
        for user in (self.manager_a, self.rep1, self.finance):
            with self.assertRaises(AccessError):
                self.env["spm.measure"].with_user(user).create(vals)
            with self.assertRaises(AccessError):
                self.measure_sales.with_user(user).write({"name": "renamed"})
        # reading what a measure is stays possible for everyone of SPM; changing Odoo's models does not
        self.assertEqual(self.measure_sales.with_user(self.rep1).name, "Confirmed sales revenue")
        with self.assertRaises(AccessError):
            self._field("date_order").with_user(self.configurer).write({"field_description": "Hacked"})
