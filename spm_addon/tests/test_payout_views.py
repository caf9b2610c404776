from lxml import etree

from odoo.tests import HttpCase, tagged

from .payout_common import PayoutCommon

SETUP = ("name", "plan_id", "date_from", "date_to")


class TestPayoutViews(PayoutCommon):
    """The payout forms offer what the server accepts from each role, and their lists inside forms
    show no total of one page only."""

    def _form(self, model, user):
        arch = self.env[model].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
        return etree.fromstring(arch)

    def test_run_setup_read_only_except_for_administrators(self):
        # the server refuses name, plan and period to anyone but an administrator (see test_payout_access)
        for user in (self.manager_a, self.finance, self.rep1):
            form = self._form("spm.payout.run", user)
            for name in SETUP:
                nodes = form.xpath(f"//field[@name='{name}'][not(ancestor::field)]")
                self.assertTrue(nodes, f"{name} is on the form of {user.login}")
                self.assertEqual({node.get("readonly") for node in nodes}, {"1"}, f"{name} for {user.login}")
        form = self._form("spm.payout.run", self.spm_admin)
        for name in SETUP:
            nodes = form.xpath(f"//field[@name='{name}'][not(ancestor::field)]")
            self.assertEqual([node.get("readonly") for node in nodes], ["state != 'draft'"], name)

    def test_paged_lists_have_no_page_totals_and_cards_for_phones(self):
        # a one2many list shows 40 rows a page: a footer sum would total that page only and disagree
        # with the run's Total Amount or the statement's To Pay, which total every row
        for model, field in (
            ("spm.payout.run", "statement_ids"),
            ("spm.payout.statement", "line_ids"),
            ("spm.quota.line", "child_ids"),
        ):
            form = self._form(model, self.spm_admin)
            (node,) = form.xpath(f"//field[@name='{field}']")
            self.assertFalse(node.xpath("./list//field[@sum or @avg]"), f"{model}.{field}")
            self.assertTrue(node.xpath("./kanban//t[@t-name='card']"), f"{model}.{field} has cards for phones")
        # a line's date is wide enough to read whole in Chinese ("2026年04月15日", 92 px by default cut it)
        (date_column,) = self._form("spm.payout.statement", self.rep1).xpath(
            "//field[@name='line_ids']/list/field[@name='document_date']"
        )
        self.assertEqual(date_column.get("width"), "120px")
        (dispute,) = self._form("spm.payout.statement", self.rep1).xpath(
            "//field[@name='line_ids']/kanban//button[@name='action_dispute']"
        )
        self.assertEqual(dispute.get("type"), "object")


@tagged("post_install", "-at_install")
class TestTierTour(HttpCase, PayoutCommon):
    """The top tier's open upper bound (0) reads blank with "No limit", not "0.00", and stays editable."""

    def test_top_tier_reads_no_limit(self):
        plan = self._commission_plan(tiers=[(0, 100, 3.0), (100, 0, 5.0)])
        self.start_tour(f"/odoo/action-spm_addon.spm_incentive_plan_action/{plan.id}", "spm_tier_tour", login="admin")
        top = plan.tier_ids.sorted("lower")[-1]
        self.assertEqual((top.lower, top.upper), (100, 0))
        # the tour set 250 then cleared it: both changes were saved (and written in the plan's chatter)
        changes = plan.message_ids.filtered(lambda m: "Tier changed" in (m.body or ""))
        self.assertEqual(len(changes), 2)


@tagged("post_install", "-at_install")
class TestNoCapTour(HttpCase, PayoutCommon):
    """A plan's caps at 0 mean no cap: they read "No cap" (blank with "No cap" while edited), never
    "0.00", which reads as capped at 0; the amount cap is named an amount."""

    def test_caps_at_zero_read_no_cap(self):
        plan = self._commission_plan(flat_rate=10.0)
        self.assertEqual((plan.cap_amount, plan.attainment_cap), (0, 0))
        url = f"/odoo/action-spm_addon.spm_incentive_plan_action/{plan.id}"
        self.start_tour(url, "spm_no_cap_tour", login="admin")
        plan.action_close()
        self.start_tour(url, "spm_no_cap_readonly_tour", login="admin")
