import io
import json
from datetime import date

import openpyxl

from odoo import http
from odoo.tests import HttpCase, tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestReportExports(HttpCase, SpmCommon):
    """The reports' lists export to xlsx with Odoo's own Export (grouped: a bold row per group with its
    totals), as the user reads them: a salesperson's workbook holds only their rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # exporting is a right of its own in Odoo 18 (Settings > Users, "Access to export feature")
        cls.rep1.groups_id |= cls.env.ref("base.group_allow_export")
        # rep 1 sells 100 on 10 January and 250 on 5 March, rep 3 sells 400: rep 1's workbook holds 350
        cls._order(cls.rep1, 100, date(2026, 1, 10))
        cls._order(cls.rep1, 250, date(2026, 3, 5))
        cls._order(cls.rep3, 400, date(2026, 2, 15))
        Lead = cls.env["crm.lead"]
        for user, team, revenue in (
            (cls.rep1, cls.team_a, 1000),
            (cls.rep1, cls.team_a, 500),
            (cls.rep3, cls.team_b, 7),
        ):
            Lead.create({"name": f"Deal {revenue}", "type": "opportunity", "user_id": user.id, "team_id": team.id,
                         "expected_revenue": revenue})  # fmt: skip
        cls.plan = plan = cls._plan(allocation_method="equal", time_split="none")
        plan.action_allocate()
        plan.action_activate()

    def _export(self, model, fields, groupby):
        """The xlsx rows of ``model``'s export grouped by ``groupby``, downloaded as rep 1."""
        self.authenticate("rep1", "rep1")
        Model = self.env[model]
        params = {
            "model": model, "domain": [], "ids": False, "import_compat": False, "groupby": groupby,
            "fields": [{"name": f, "label": Model._fields[f].string, "type": Model._fields[f].type} for f in fields],
        }  # fmt: skip
        response = self.url_open(
            "/web/export/xlsx", data={"data": json.dumps(params), "csrf_token": http.Request.csrf_token(self)}
        )
        self.assertEqual(response.status_code, 200, response.text[-1500:])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        return [[cell.value for cell in row] for row in sheet.iter_rows()]

    def test_customer_behaviour(self):
        rows = self._export("spm.customer.report", ["customer_kind", "amount"], ["user_id"])
        # one group, rep 1's (2 orders): 100 + 250 = 350, then its two orders
        self.assertEqual(rows[0], ["Customer Kind", "Untaxed Amount"])
        self.assertEqual(rows[1], ["Rep 1 (2)", 350])
        self.assertEqual(sorted(row[1] for row in rows[2:]), [100, 250])
        self.assertEqual(len(rows), 4)

    def test_customer_value(self):
        rows = self._export("spm.customer.rfm.report", ["partner_id", "monetary"], ["user_id"])
        # the customer's orders read as rep 1: they are the salesperson of its last order (rep 3's of
        # 15 February comes before rep 1's of 5 March), 100 + 250 + 400 = 750 over all its orders
        self.assertEqual(rows[1], ["Rep 1 (1)", 750])
        self.assertEqual(rows[2], ["Customer Co", 750])

    def test_funnel(self):
        rows = self._export("spm.funnel.report", ["lead_id", "expected_revenue", "reached_count"], ["stage_id"])
        # rep 1's two new deals, in the first stage: 1000 + 500 expected, 2 reached; rep 3's 7 is not there
        self.assertEqual(rows[1], ["New (2)", 1500, "2"])
        self.assertEqual(sorted(row[1] for row in rows[2:]), [500, 1000])

    def test_targets_and_actuals(self):
        rows = self._export("spm.quota.report", ["figure", "amount"], ["user_id"])
        # the equal split of 1,200,000 over 3 teams and then their salespeople: rep 1 has 200,000 of
        # team A's 400,000; their actual is the 350 sold, on each of their lines
        expected = dict(
            self.env["spm.quota.report"]
            .with_user(self.rep1)
            ._read_group([("user_id", "=", self.rep1.id)], ["figure"], ["amount:sum"])
        )
        self.assertEqual(expected["target"], 200_000)
        groups = {row[0]: row[1] for row in rows[1:] if isinstance(row[0], str) and row[0].endswith(")")}
        self.assertEqual(list(groups), [f"Rep 1 ({len(rows) - 2})"])
        # sums of floats: the export and the read may add the rows in another order (other apps installed)
        self.assertAlmostEqual(next(iter(groups.values())), sum(expected.values()), places=2)

    def test_attainment_by_region_and_channel(self):
        # after the plan's refresh, rep 1's rows: their target of 200,000 (a leaf line) and the 350 they sold
        # (100 + 250, to the same customer), grouped by figure; rep 3's 400 is not in rep 1's workbook
        self.plan._refresh_figures(today=date(2026, 3, 31))
        rows = self._export("spm.attainment.report", ["user_id", "amount"], ["figure"])
        groups = {row[0]: row[1] for row in rows[1:] if isinstance(row[0], str) and row[0].endswith(")")}
        self.assertEqual(sorted(groups.values()), [350, 200_000], rows)
        self.assertEqual({row[0] for row in rows[1:] if row[0] and not row[0].endswith(")")}, {"Rep 1"})
