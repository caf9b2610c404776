import io
from datetime import date
from unittest.mock import patch

import openpyxl

from odoo.tests import tagged

from ..tools import explain
from .payout_common import PayoutCommon

NBSP = "\N{NO-BREAK SPACE}"


@tagged("post_install", "-at_install")
class TestPayoutExplain(PayoutCommon):
    """How a payout was computed is stored as data and read in words in the reader's language, money
    in the run's currency: the statement explains the commission, a line says its rate and more only
    when it differs from its statement.

    rep1's January target is 100,000 (see PayoutCommon)."""

    def _zh(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        return {"lang": "zh_CN"}

    def _money(self, text):
        return (
            f"{self.currency.symbol}{NBSP}{text}"
            if self.currency.position == "before"
            else f"{text}{NBSP}{self.currency.symbol}"
        )

    def test_flat_worked_example(self):
        self._order(self.rep1, 901_370.53, date(2026, 1, 15))
        run = self._run(self._commission_plan(flat_rate=3.0))
        statement = self._statement(run, self.rep1)
        # 901,370.53 x 3 % = 27,041.1159, paid 27,041.12
        self.assertAlmostEqual(statement.commission, 27_041.12)
        self.assertAlmostEqual(statement.line_ids.amount, 27_041.12)
        self.assertEqual(statement.rule, f"3 % on {self._money('901,370.53')} (flat rate)")
        self.assertEqual(statement.rule_data, [["flat", {"rate": 3.0, "base": 901_370.53}]])
        self.assertEqual(statement.line_ids.rule, "3 % commission")
        self.assertEqual(statement.line_ids.rule_data, [["line", {"rate": 3.0}]])

    def test_tiers_in_the_readers_language(self):
        self._order(self.rep1, 60_000, date(2026, 1, 10))
        self._order(self.rep1, 70_000, date(2026, 1, 20))
        plan = self._commission_plan(tiers=[(0, 100, 3.0), (100, 0, 5.0)])
        run = self._run(plan)  # computed in English
        statement = self._statement(run, self.rep1)
        # 130,000 against 100,000 = 130 %: 100,000 x 3 % + 30,000 x 5 % = 3,000 + 1,500 = 4,500; each
        # order at 4,500 / 130,000 = 3.461538... %, stored as 3.4615
        self.assertAlmostEqual(statement.commission, 4_500.0)
        self.assertEqual(
            statement.rule,
            f"3 % on {self._money('100,000.00')}, the part from 0 % to 100 % of target; "
            f"5 % on {self._money('30,000.00')}, the part from 100 % of target",
        )
        self.assertEqual(statement.line_ids.mapped("rule"), ["3.4615 % commission"] * 2)
        # the top tier is open-ended: "and above", never "to 0"
        self.assertEqual(plan.tier_ids.mapped("range_text"), ["0 % to 100 %", "100 % and above"])
        self.assertIn("0 % to 100 %: 3 %, 100 % and above: 5 %", plan.message_ids.mapped("body")[0])

        # the same statement read in Chinese
        zh = self._zh()
        self.assertEqual(
            statement.with_context(**zh).rule,
            f"目标 0 % 至 100 %的部分 {self._money('100,000.00')} 按 3 % 提成；"
            f"目标 100 % 及以上的部分 {self._money('30,000.00')} 按 5 % 提成",
        )
        self.assertEqual(statement.line_ids.with_context(**zh).mapped("rule"), ["提成 3.4615 %"] * 2)
        self.assertEqual(plan.tier_ids.with_context(**zh).mapped("range_text"), ["0 % 至 100 %", "100 % 及以上"])
        # in yuan: the symbol and the separators of the currency and the language
        cny = self.env.ref("base.CNY")
        self.assertEqual(
            explain.Renderer(self.env(context=zh), cny).render(statement.rule_data),
            f"目标 0 % 至 100 %的部分 ¥{NBSP}100,000.00 按 3 % 提成；"
            f"目标 100 % 及以上的部分 ¥{NBSP}30,000.00 按 5 % 提成",
        )
        # the payroll export in the exporter's language
        book = openpyxl.load_workbook(io.BytesIO(run.with_context(**zh)._export_xlsx()))
        detail = list(book.worksheets[1].iter_rows(values_only=True))
        self.assertEqual(detail[0][6], "规则与阶梯")
        rep1_rows = [row for row in detail[1:] if row[0] == self.rep1.name]
        self.assertEqual([row[6] for row in rep1_rows], ["提成 3.4615 %"] * 2)
        # each distinct explanation is rendered once, however many lines share it (a dict lookup a line)
        with patch.object(explain.Renderer, "render", autospec=True, side_effect=explain.Renderer.render) as render:
            raw = run._export_xlsx()
        self.assertEqual(render.call_count, 1)  # rep1's two lines say the same
        book = openpyxl.load_workbook(io.BytesIO(raw))
        self.assertEqual(
            [row[6] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True) if row[0] == self.rep1.name],
            ["3.4615 % commission"] * 2,
        )

    def test_amount_tiers_and_gate(self):
        self._order(self.rep1, 130_000, date(2026, 1, 10))
        plan = self._commission_plan(tiers=[(0, 100_000, 3.0), (100_000, 0, 5.0)], tier_basis="amount", gate=200_000)
        statement = self._statement(self._run(plan), self.rep1)
        # 130,000 on the amount scale: 100,000 at 3 % and 30,000 at 5 %, but below the 200,000 gate: nothing
        self.assertEqual(statement.commission, 0.0)
        self.assertEqual(
            statement.rule,
            f"3 % on {self._money('100,000.00')}, the part from {self._money('0.00')} to "
            f"{self._money('100,000.00')} credited; 5 % on {self._money('30,000.00')}, the part from "
            f"{self._money('100,000.00')} credited; below the gate of {self._money('200,000.00')} credited: "
            "nothing paid",
        )
        self.assertEqual(
            plan.tier_ids.mapped("range_text"),
            [f"{self._money('0.00')} to {self._money('100,000.00')}", f"{self._money('100,000.00')} and above"],
        )

    def test_every_part_reads_in_both_languages(self):
        """Every part of an explanation renders, and reads differently in Chinese (it is translated)."""
        run = self._run(self._commission_plan(flat_rate=3.0))
        samples = {
            explain.PCT: 12.5,
            explain.MONEY: 1_234.5,
            explain.NUMBER: 3.0,
            explain.PART: explain.part("range_pct_open", lower=100),
            explain.DOC: ["spm.payout.run", run.id],
            "run": run.id,
            "spif": 0,
            "grade": 0,
        }
        zh = self._zh()
        english = explain.Renderer(self.env, self.currency)
        chinese = explain.Renderer(self.env(context=zh), self.currency)
        for key, (_source, kinds) in explain.PARTS.items():
            data = [[key, {name: samples[kind] for name, kind in kinds.items()}]]
            text, zh_text = english.render(data), chinese.render(explain.dumps(data))
            self.assertNotEqual(text, zh_text, key)
            if explain.MONEY in kinds.values():
                self.assertIn(self._money("1,234.50"), zh_text, key)
            if explain.PCT in kinds.values():
                self.assertIn("12.5 %", text, key)
        self.assertEqual(
            english.render([["override", {"rate": 2.0}]]), "Team leader override: 2 % of the team member's credit"
        )
        self.assertEqual(
            english.render([["clawback", {"document": ["spm.payout.run", run.id], "run": run.id, "net": 10.0,
                                          "amount": 1.0, "paid": 2.0}]]),
            f"Clawback: reverses {run.name}. {run.name} recomputed on {self._money('10.00')} credited: "
            f"{self._money('1.00')} instead of {self._money('2.00')} paid",
        )  # fmt: skip
