from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .effect_common import TrainingEffectCommon


@tagged("post_install", "-at_install")
class TestTrainingEffectReport(TrainingEffectCommon):
    """The effect report on the data set of ``TrainingEffectCommon``, computed by hand there."""

    def test_worked_example(self):
        first, second = self._enrol(self.rep1, date(2026, 4, 1)), self._enrol(self.rep2, date(2026, 4, 1))
        late = self._enrol(self.rep5, date(2026, 5, 20))  # its after window ends 19 June: not measured yet
        with freeze_time("2026-06-01"):
            self.course.with_user(self.manager_a).action_compute_effect()
        effect = self.course.effect_ids
        self.assertEqual(effect.kpi_id, self.kpi)
        # rep1 (1,000) is matched with rep3 (900): 600 - 200 = 400
        # rep2 (2,000) is matched with rep4 (1,900): 300 - 100 = 200
        # effect (400 + 200) / 2 = 300; the trained grew by (600 + 300) / 2 = 450, their controls by 150
        self.assertEqual((effect.trained_count, effect.control_count, effect.unmatched_count), (2, 2, 0))
        self.assertAlmostEqual(effect.effect, 300.0)
        self.assertAlmostEqual(effect.trained_change, 450.0)
        self.assertAlmostEqual(effect.control_change, 150.0)
        # a bootstrap of two effects (400, 200): its means are 200, 300 or 400; the 95 % interval is 200 .. 400
        self.assertEqual((effect.ci_low, effect.ci_high), (200.0, 400.0))
        # as the course form shows it, in the KPI's format (money under 1,000 with two decimals)
        self.assertEqual(effect.effect_text, "+$\xa0300.00 (95 % interval: +$\xa0200.00 to +$\xa0400.00)")
        self.assertEqual(effect.verdict, "improved")
        # per person, on the enrolment
        self.assertEqual(
            [
                (line.before, line.after, line.change, line.control_change, line.effect)
                for line in first.effect_person_ids
            ],
            [(1000.0, 1600.0, 600.0, 200.0, 400.0)],
        )
        self.assertEqual(second.effect_person_ids.effect, 200.0)
        self.assertFalse(late.effect_person_ids)
        # the salesperson reads their own before / after, not a colleague's
        self.assertTrue(first.effect_person_ids.with_user(self.rep1).has_access("read"))
        self.assertFalse(second.effect_person_ids.with_user(self.rep1).has_access("read"))

        # and on rep1's appraisal of a period ending after the completion, not of one ending before it
        template = self.env.ref("spm_addon.spm_appraisal_template_sales")
        employee = self.env["hr.employee"].create({"name": "Rep 1", "user_id": self.rep1.id})

        def appraisal(date_to):
            campaign = self.env["spm.appraisal.campaign"].create(
                {"name": str(date_to), "template_id": template.id, "date_from": date(2026, 1, 1), "date_to": date_to}
            )
            return self.env["spm.appraisal"].create(
                {"campaign_id": campaign.id, "employee_id": employee.id, "user_id": self.rep1.id}
            )

        self.assertEqual(appraisal(date(2026, 6, 30)).training_effect_ids, first.effect_person_ids)
        self.assertFalse(appraisal(date(2026, 3, 31)).training_effect_ids)

        # with a minimum of 3 people: too few people to conclude, and measuring again replaces the figures
        self.course.effect_min_people = 3
        with freeze_time("2026-06-01"):
            self.course.action_compute_effect()
        self.assertEqual(len(self.course.effect_ids), 1)
        self.assertEqual(len(first.effect_person_ids), 1)
        self.assertEqual(self.course.effect_ids.verdict, "too_few")
        label = dict(self.course.effect_ids._fields["verdict"]._description_selection(self.env))["too_few"]
        self.assertEqual(label, "Too few people to conclude")

    def test_people_trained_in_the_windows_are_no_controls(self):
        self._enrol(self.rep1, date(2026, 4, 1))
        self._enrol(self.rep2, date(2026, 4, 1))
        self._enrol(self.rep4, date(2026, 4, 20))  # trained within the windows of 1 April: no control of theirs
        with freeze_time("2026-05-10"):  # rep4's own after window (to 20 May) has not ended
            self.course.action_compute_effect()
        effect = self.course.effect_ids
        # rep1 (1,000) with rep3 (900): 400. rep2 (2,000): rep5 (3,000) is 1,000 away, rep3 1,100 and the
        # administrator 2,000: rep5, 300 - 0 = 300. Effect (400 + 300) / 2 = 350
        self.assertEqual((effect.trained_count, effect.control_count), (2, 2))
        self.assertAlmostEqual(effect.effect, 350.0)

    def test_people_trained_in_another_course_in_the_windows_are_no_controls(self):
        """rep4 completed another course on 20 April, inside the windows of 1 April: its effect would count
        as this course's absence, so rep4 is nobody's control; the figures are those of the case above."""
        other = self.env["spm.training.course"].create({"name": "Negotiation", "kpi_ids": [Command.set(self.kpi.ids)]})
        self._enrol(self.rep1, date(2026, 4, 1))
        self._enrol(self.rep2, date(2026, 4, 1))
        enrolment = self.env["spm.training.enrolment"].create(
            {"user_id": self.rep4.id, "course_id": other.id, "date_enrolled": date(2026, 1, 15)}
        )
        enrolment._complete(date(2026, 4, 20), 90)
        with freeze_time("2026-06-01"):
            self.course.action_compute_effect()
        effect = self.course.effect_ids
        # rep1 (1,000) with rep3 (900): 400; rep2 (2,000) with rep5 (3,000; rep4's 1,900 is out): 300; 350
        self.assertEqual((effect.trained_count, effect.control_count), (2, 2))
        self.assertAlmostEqual(effect.effect, 350.0)
        # completed before the windows (1 February): rep4 is a control again, as in the worked example (300)
        enrolment.completion_date = date(2026, 2, 1)
        with freeze_time("2026-06-01"):
            self.course.action_compute_effect()
        self.assertAlmostEqual(self.course.effect_ids.effect, 300.0)

    def test_refusals(self):
        course = self.env["spm.training.course"].create({"name": "No KPI"})
        with self.assertRefused(UserError, "targets no KPI"):
            course.action_compute_effect()
        with self.assertRaises(AccessError):
            self.course.with_user(self.rep1).action_compute_effect()
        self.assertFalse(self.course.effect_ids)

    def test_effects_read_in_the_kpis_unit(self):
        """A money KPI's changes read in money, a percentage's in percentage points, in English and Chinese.

        The percentage KPI is the share of orders of 1,500 or more (big orders / orders x 100):
            rep1  March 1,000:   0 %   April 1,600: 100 %   change +100 pp   (trained)
            rep2  March 2,000: 100 %   April 2,300: 100 %   change    0 pp   (trained)
            rep3  March   900:   0 %   April 1,100:   0 %   change    0
            rep4  March 1,900: 100 %   April 2,000: 100 %   change    0
            rep5  March 3,000: 100 %   April 3,000: 100 %   change    0
        (the administrator has no order: no value, no control). rep1 (0 %) is matched with rep3 (0 %):
        100 - 0 = 100 pp; rep2 (100 %) with rep4 or rep5, both 0: 0 pp. Effect (100 + 0) / 2 = 50 pp, the
        trained changed by 50 pp, their controls by 0; the bootstrap's means are 0, 50 or 100: 0 .. 100 pp."""
        base = self.env.ref("spm_addon.spm_measure_sales_revenue")
        orders, big = (
            base.copy({"name": name, "aggregation": "count", "value_field_id": False, "domain": domain})
            for name, domain in (
                ("Orders", "[('state', '=', 'sale')]"),
                ("Big orders", "[('state', '=', 'sale'), ('amount_untaxed', '>=', 1500)]"),
            )
        )
        count_kpis = self.env["spm.kpi"].create(
            [{"name": measure.name, "measure_id": measure.id, "category": "custom"} for measure in (big, orders)]
        )
        share = self.env["spm.kpi"].create(
            {
                "name": "Big-order share",
                "kind": "ratio",
                "numerator_id": count_kpis[0].id,
                "denominator_id": count_kpis[1].id,
                "unit": "%",
                "target_value": 50,
            }
        )
        self.course.kpi_ids = [Command.link(share.id)]
        first = self._enrol(self.rep1, date(2026, 4, 1))
        self._enrol(self.rep2, date(2026, 4, 1))
        with freeze_time("2026-06-01"):
            self.course.action_compute_effect()
        money = self.course.effect_ids.filtered(lambda effect: effect.kpi_id == self.kpi)
        percent = self.course.effect_ids.filtered(lambda effect: effect.kpi_id == share)
        self.assertAlmostEqual(percent.effect, 50.0)
        self.assertEqual((percent.trained_change, percent.control_change, percent.ci_low, percent.ci_high),
                         (50.0, 0.0, 0.0, 100.0))  # fmt: skip

        def shown(lang):
            env = self.env(context=dict(self.env.context, lang=lang))
            rows = []
            for effect in (money.with_env(env), percent.with_env(env)):
                person = effect.person_ids.filtered(lambda line: line.enrolment_id == first)
                rows.append(
                    (effect.trained_change_text, effect.control_change_text, effect.effect_text,
                     person.before_text, person.after_text, person.change_text, person.control_change_text,
                     person.effect_text)
                )  # fmt: skip
            return rows

        # money: the trained +450, their controls +150, effect +300 (interval +200 .. +400), as in the
        # worked example; rep1 1,000 -> 1,600 (+600), their control +200, effect +400
        self.assertEqual(
            shown("en_US"),
            [
                ("+$\xa0450.00", "+$\xa0150.00", "+$\xa0300.00 (95 % interval: +$\xa0200.00 to +$\xa0400.00)",
                 "$\xa01,000", "$\xa01,600", "+$\xa0600.00", "+$\xa0200.00", "+$\xa0400.00"),
                ("+50.0 pp", "0.0 pp", "+50.0 pp (95 % interval: 0.0 pp to +100.0 pp)",
                 "0.0 %", "100.0 %", "+100.0 pp", "0.0 pp", "+100.0 pp"),
            ],
        )  # fmt: skip
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self.assertEqual(
            shown("zh_CN"),
            [
                ("+$\xa0450.00", "+$\xa0150.00", "+$\xa0300.00（95 % 置信区间：+$\xa0200.00 至 +$\xa0400.00）",
                 "$\xa01,000", "$\xa01,600", "+$\xa0600.00", "+$\xa0200.00", "+$\xa0400.00"),
                ("+50.0 个百分点", "0.0 个百分点", "+50.0 个百分点（95 % 置信区间：0.0 个百分点 至 +100.0 个百分点）",
                 "0.0 %", "100.0 %", "+100.0 个百分点", "0.0 个百分点", "+100.0 个百分点"),
            ],
        )  # fmt: skip

    def test_attainment_effect_in_percentage_points(self):
        """A KPI scored against the quota ("Revenue attainment") is measured by attainment in each window,
        against the quota prorated by days, and its effect reads in percentage points.

        Monthly quotas: rep1, rep2, rep4 3,100 in March, 3,000 in April, 3,100 in May; rep3 twice that; rep5
        none. Windows of the 1 April completion: before 2 - 31 March, 30 of March's 31 days: 3,100 x 30 / 31
        = 3,000 (rep3 6,000); after 2 April - 1 May, 29 of April's 30 days and 1 of May's 31: 3,000 x 29 / 30
        + 3,100 x 1 / 31 = 2,900 + 100 = 3,000 (rep3 6,000). No quota line lies wholly inside either window.
            rep1 trained   1,000 / 3,000 = 33.33 %   1,600 / 3,000 = 53.33 %   +20.00 pp
            rep2 trained   2,000 / 3,000 = 66.67 %   2,300 / 3,000 = 76.67 %   +10.00 pp
            rep3             900 / 6,000 = 15.00 %   1,100 / 6,000 = 18.33 %   + 3.33 pp
            rep4           1,900 / 3,000 = 63.33 %   2,000 / 3,000 = 66.67 %   + 3.33 pp
            rep5 trained   no quota: no attainment (not 0 %), left out, counted as without quota
        (the administrator has no quota either: nobody's control). rep1 (33.33) is matched with rep3 (15.00,
        18.33 away; rep4 is 30 away): 20 - 3.33 = 16.67 pp; rep2 (66.67) with rep4 (63.33): 10 - 3.33 =
        6.67 pp. Effect (16.67 + 6.67) / 2 = 11.67 pp; the trained changed by (20 + 10) / 2 = 15 pp, their
        controls by 3.33 pp; the bootstrap's means are 6.67, 11.67 or 16.67: 6.67 .. 16.67 pp."""
        march, april, may = 3, 4, 5
        normal = {march: 3_100, april: 3_000, may: 3_100}
        self._quota({self.rep1: normal, self.rep2: normal, self.rep4: normal,
                     self.rep3: {month: 2 * target for month, target in normal.items()}})  # fmt: skip
        self.course.kpi_ids = [Command.set(self.attainment_kpi.ids)]
        first = self._enrol(self.rep1, date(2026, 4, 1))
        self._enrol(self.rep2, date(2026, 4, 1))
        fifth = self._enrol(self.rep5, date(2026, 4, 1))
        with freeze_time("2026-06-01"):
            self.course.action_compute_effect()
        effect = self.course.effect_ids
        self.assertTrue(effect.is_attainment)
        self.assertEqual((effect.trained_count, effect.control_count, effect.no_quota_count), (2, 2, 1))
        # stored with two decimals
        self.assertEqual((effect.effect, effect.trained_change, effect.control_change), (11.67, 15.0, 3.33))
        self.assertEqual((effect.ci_low, effect.ci_high), (6.67, 16.67))
        self.assertEqual(effect.verdict, "improved")
        line = first.effect_person_ids
        self.assertEqual((line.before, line.after, line.control_change, line.effect), (33.33, 53.33, 3.33, 16.67))
        self.assertFalse(fifth.effect_person_ids)
        # rep1 reads their own attainments on their enrolment
        self.assertEqual(line.with_user(self.rep1).before_text, "33.3 %")

        def shown(lang):
            env = self.env(context=dict(self.env.context, lang=lang))
            person = line.with_env(env)
            return (effect.with_env(env).trained_change_text, effect.with_env(env).control_change_text,
                    effect.with_env(env).effect_text, person.before_text, person.after_text, person.change_text,
                    person.control_change_text, person.effect_text)  # fmt: skip

        self.assertEqual(
            shown("en_US"),
            ("+15.0 pp", "+3.3 pp", "+11.7 pp (95 % interval: +6.7 pp to +16.7 pp)",
             "33.3 %", "53.3 %", "+20.0 pp", "+3.3 pp", "+16.7 pp"),
        )  # fmt: skip
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self.assertEqual(
            shown("zh_CN"),
            ("+15.0 个百分点", "+3.3 个百分点", "+11.7 个百分点（95 % 置信区间：+6.7 个百分点 至 +16.7 个百分点）",
             "33.3 %", "53.3 %", "+20.0 个百分点", "+3.3 个百分点", "+16.7 个百分点"),
        )  # fmt: skip

    def test_chinese_user_reads_the_verdict_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        labels = dict(zh["spm.training.effect"]._fields["verdict"]._description_selection(zh))
        self.assertEqual(labels["too_few"], "人数太少，无法得出结论")
        self.assertEqual(zh.ref("spm_addon.menu_spm_my_training").name, "我的培训")
        self.assertEqual(zh["spm.training.need"]._fields["user_id"]._description_string(zh), "销售员")
        course = self.env["spm.training.course"].create({"name": "No KPI"})
        with self.assertRefused(UserError, "没有目标 KPI"):
            course.with_env(zh).action_compute_effect()
