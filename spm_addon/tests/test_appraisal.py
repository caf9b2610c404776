from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestAppraisal(SpmCommon):
    """Weighted appraisals: KPI figures from the measures, manager ratings, grades, ranks, honours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"]
        cls.boss_a = Employee.create({"name": "Mia Manager", "user_id": cls.manager_a.id})
        cls.emp = {
            rep: Employee.create(
                {
                    "name": rep.name,
                    "user_id": rep.id,
                    "parent_id": cls.boss_a.id if rep in (cls.rep1, cls.rep2) else False,
                }
            )
            for rep in cls.reps
        }
        # quota: 1,200,000 over three teams equally, by quarter: rep1's Q1 = 400,000 / 2 / 4 = 50,000
        cls.plan = cls._plan(allocation_method="equal", time_split="quarter")
        cls.plan.action_allocate()
        cls.plan.action_activate()
        revenue = cls.env.ref("spm_addon.spm_kpi_revenue_attainment")
        cls.kpi_revenue = revenue.copy({"name": "Revenue attainment (cap 110)", "score_cap": 110})
        cls.kpi_satisfaction = cls.env.ref("spm_addon.spm_kpi_satisfaction").copy({"target_value": 100})
        cls.criterion = cls.env.ref("spm_addon.spm_criterion_teamwork")
        cls.template = cls.env["spm.appraisal.template"].create(
            {
                "name": "Results 60 / behaviour 20 / satisfaction 20",
                "line_ids": [
                    Command.create({"kind": "kpi", "kpi_id": cls.kpi_revenue.id, "weight": 60}),
                    Command.create(
                        {"kind": "criterion", "criterion_id": cls.criterion.id, "category": "behaviour", "weight": 20}
                    ),
                    Command.create({"kind": "kpi", "kpi_id": cls.kpi_satisfaction.id, "weight": 20}),
                ],
            }
        )

    def _campaign(self, teams=None, **vals):
        return self.env["spm.appraisal.campaign"].create(
            {
                "name": "2026 Q1",
                "template_id": self.template.id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 3, 31),
                "team_ids": [Command.set((teams or self.team_a).ids)],
                **vals,
            }
        )

    def _survey_answer(self, user, score, day):
        """A completed satisfaction survey of a customer of ``user`` answering ``score`` of 5."""
        survey = self.env.ref("spm_addon.spm_survey_satisfaction")
        question = survey.question_ids[0]
        answer = question.suggested_answer_ids.filtered(lambda a: a.answer_score == score)
        customer = self.env["res.partner"].create({"name": f"Customer of {user.name}", "user_id": user.id})
        return self.env["survey.user_input"].create(
            {
                "survey_id": survey.id,
                "partner_id": customer.id,
                "state": "done",
                "end_datetime": datetime.combine(day, datetime.min.time()),
                "user_input_line_ids": [
                    Command.create(
                        {"question_id": question.id, "answer_type": "suggestion", "suggested_answer_id": answer.id}
                    )
                ],
            }
        )

    def _line(self, appraisal, kpi=None, kind=None):
        lines = appraisal.line_ids.filtered(lambda line: (kpi and line.kpi_id == kpi) or (kind and line.kind == kind))
        self.assertEqual(len(lines), 1)
        return lines

    def _appraisal(self, campaign, rep):
        return campaign.appraisal_ids.filtered(lambda a: a.user_id == rep)

    def test_worked_example(self):
        # rep1 sells 56,000 in Q1 against a quota of 50,000: 112 %, capped at 110
        self._order(self.rep1, 30_000, date(2026, 1, 15))
        self._order(self.rep1, 26_000, date(2026, 3, 20))
        self._order(self.rep1, 99_000, date(2026, 4, 2))  # next quarter: not counted
        # two customers answer 5/5 (100 %) and 4/5 (80 %): satisfaction 90 against 100 -> 90
        self._survey_answer(self.rep1, 5, date(2026, 2, 1))
        self._survey_answer(self.rep1, 4, date(2026, 3, 1))
        campaign = self._campaign()
        campaign.action_start()
        self.assertEqual(campaign.appraisal_count, 2)  # rep1 and rep2 of team A
        appraisal = self._appraisal(campaign, self.rep1)
        self.assertEqual(appraisal.state, "self")
        self.assertEqual(appraisal.manager_user_id, self.manager_a)
        revenue = self._line(appraisal, kpi=self.kpi_revenue)
        self.assertEqual((revenue.actual, revenue.target), (56_000, 50_000))
        self.assertAlmostEqual(revenue.attainment, 112.0)
        self.assertAlmostEqual(revenue.score, 110.0)
        self.assertAlmostEqual(revenue.weighted_score, 66.0)  # 110 x 60 %
        self.assertIn("112.0", revenue.explanation)
        # as a reader expects them: money with its currency and separators, a count as a whole number with its unit
        currency = appraisal.company_id.currency_id
        self.assertEqual((currency.symbol, currency.position), ("$", "before"))
        self.assertEqual((revenue.actual_display, revenue.target_display), ("$\xa056,000", "$\xa050,000"))
        visits = self.env.ref("spm_addon.spm_kpi_visits")
        self.assertEqual(visits._format_value(9.0), "9 visits")
        # a mean over people (a training's effect) keeps its decimals: 1.36 visits, not 1
        self.assertEqual(visits._value_formatter(averaged=True)(1.36), "1.36 visits")
        self.assertEqual(self.env.ref("spm_addon.spm_kpi_win_rate")._format_value(33.3333), "33.3 %")
        satisfaction = self._line(appraisal, kpi=self.kpi_satisfaction)
        self.assertAlmostEqual(satisfaction.actual, 90.0)
        self.assertAlmostEqual(satisfaction.weighted_score, 18.0)  # 90 x 20 %
        # teamwork not rated yet: left out, a provisional score over the 80 % rated, (66 + 18) / 80 % = 105,
        # not 66 + 0 + 18 = 84; no grade and no rank until it is rated
        self.assertTrue(appraisal.is_provisional)
        self.assertAlmostEqual(appraisal.score, 105.0)
        self.assertEqual((appraisal.grade_id, appraisal.final_grade_id), (self.env["spm.appraisal.grade"],) * 2)
        self.assertEqual((appraisal.rank_team, appraisal.rank_company), (0, 0))
        # the drill-down lists rep1's two Q1 orders
        action = revenue.action_view_sources()
        self.assertEqual(self.env["sale.order"].search_count(action["domain"]), 2)

        appraisal.with_user(self.rep1).write({"self_comment": "A good quarter."})
        self._line(appraisal, kind="criterion").with_user(self.rep1).write({"self_rating": "5"})
        appraisal.with_user(self.rep1).action_submit_self()
        self.assertEqual(appraisal.state, "review")
        self.assertTrue(appraisal.activity_ids.filtered(lambda a: a.user_id == self.manager_a))
        with self.assertRaises(UserError):  # criteria must be rated first
            appraisal.with_user(self.manager_a).action_submit_review()
        # the manager rates teamwork 4 of 5: 80 -> 0.6 x 110 + 0.2 x 80 + 0.2 x 90 = 100, grade A
        self._line(appraisal, kind="criterion").with_user(self.manager_a).write({"manager_rating": "4"})
        self.assertFalse(appraisal.is_provisional)
        self.assertAlmostEqual(appraisal.score, 100.0)
        self.assertAlmostEqual(appraisal.result_score, 66.0)
        self.assertAlmostEqual(appraisal.behaviour_score, 16.0)
        self.assertAlmostEqual(appraisal.satisfaction_score, 18.0)
        self.assertEqual(appraisal.final_grade_id.name, "A")
        appraisal.with_user(self.manager_a).action_submit_review()
        self.assertEqual(appraisal.state, "calibration")
        self.assertEqual(appraisal.rank_team, 1)
        # rep2's teamwork is not rated yet: no rank; rated 1 of 5 (20 x 20 % = 4, without sales or surveys), second
        other = self._appraisal(campaign, self.rep2)
        self.assertEqual(other.rank_team, 0)
        other.with_user(self.manager_a).action_submit_self()
        self._line(other, kind="criterion").with_user(self.manager_a).write({"manager_rating": "1"})
        self.assertAlmostEqual(other.score, 4.0)
        self.assertEqual((other.rank_team, appraisal.rank_team), (2, 1))

    def test_no_grade_or_rank_before_the_ratings(self):
        """A running appraisal whose criteria are not all rated has a provisional score that leaves them
        out, and no grade and no rank; rated, it gets both."""
        care = self.env.ref("spm_addon.spm_criterion_customer_care")
        template = self.env["spm.appraisal.template"].create(
            {
                "name": "Results 60 / teamwork 20 / customer care 20",
                "line_ids": [
                    Command.create({"kind": "kpi", "kpi_id": self.kpi_revenue.id, "weight": 60}),
                    Command.create(
                        {"kind": "criterion", "criterion_id": self.criterion.id, "category": "behaviour", "weight": 20}
                    ),
                    Command.create(
                        {"kind": "criterion", "criterion_id": care.id, "category": "satisfaction", "weight": 20}
                    ),
                ],
            }
        )
        # rep1 sells 45,000 of a quota of 50,000: 90 % -> score 90, x 60 % = 54; rep2 50,000: 100 -> 60
        self._order(self.rep1, 45_000, date(2026, 2, 1))
        self._order(self.rep2, 50_000, date(2026, 2, 1))
        campaign = self._campaign(template_id=template.id)
        campaign.action_start()
        first, second = self._appraisal(campaign, self.rep1), self._appraisal(campaign, self.rep2)
        no_grade = self.env["spm.appraisal.grade"]

        def figures(appraisal):
            return (round(appraisal.score, 1), appraisal.final_grade_id, appraisal.rank_team, appraisal.rank_company)

        # nothing rated: the KPI alone, 54 over its 60 % = 90 (not 54 with the criteria as 0); 60 / 60 % = 100
        self.assertEqual((first.is_provisional, figures(first)), (True, (90.0, no_grade, 0, 0)))
        self.assertEqual(figures(second), (100.0, no_grade, 0, 0))
        (first | second).with_user(self.manager_a).action_submit_self()
        teamwork = first.line_ids.filtered(lambda line: line.criterion_id == self.criterion)
        care_line = first.line_ids.filtered(lambda line: line.criterion_id == care)
        # teamwork rated 5 of 5 = 100, x 20 % = 20: (54 + 20) / 80 % = 92.5, still provisional
        teamwork.with_user(self.manager_a).write({"manager_rating": "5"})
        self.assertEqual((first.is_provisional, figures(first)), (True, (92.5, no_grade, 0, 0)))
        self.assertIn("provisional", care_line.explanation)
        # customer care rated 3 of 5 = 60, x 20 % = 12: 54 + 20 + 12 = 86, grade B (85 to 100), first of the
        # one complete appraisal; rep2, not rated, stays out of the ranking
        care_line.with_user(self.manager_a).write({"manager_rating": "3"})
        grade = {grade.name: grade for grade in template.grade_ids}
        self.assertEqual((first.is_provisional, figures(first)), (False, (86.0, grade["B"], 1, 1)))
        self.assertEqual(figures(second), (100.0, no_grade, 0, 0))
        # an honour of the company's top 2 goes to rep1 only: rep2's higher provisional 100 is in no ranking
        rule = self.env["spm.honour.rule"].create(
            {"name": "Top 2", "badge_id": self.env.ref("spm_addon.spm_badge_champion").id, "top": 2}
        )
        self.assertEqual(rule._winners(campaign), first)
        # rep2 rated 3 and 3: 60 + 12 + 12 = 84, grade C (70 to 85), second behind rep1's 86
        second.line_ids.filtered(lambda line: line.kind == "criterion").with_user(self.manager_a).write(
            {"manager_rating": "3"}
        )
        self.assertEqual(figures(second), (84.0, grade["C"], 2, 2))
        self.assertEqual(figures(first), (86.0, grade["B"], 1, 1))

    def _review_all(self, campaign, rating="3"):
        appraisals = campaign.appraisal_ids
        appraisals.action_submit_self()
        appraisals.line_ids.filtered(lambda line: line.kind == "criterion").write({"manager_rating": rating})
        appraisals.action_submit_review()

    def test_ties_close_lock_and_badges_once(self):
        # rep1 and rep2 sell the same: same score, same results -> both first
        self._order(self.rep1, 40_000, date(2026, 2, 1))
        self._order(self.rep2, 40_000, date(2026, 2, 1))
        self._order(self.rep3, 10_000, date(2026, 2, 1))
        campaign = self._campaign(teams=self.team_a | self.team_b)
        campaign.action_start()
        self._review_all(campaign)
        first, second, third = (self._appraisal(campaign, rep) for rep in (self.rep1, self.rep2, self.rep3))
        # 40,000 / 50,000 = 80 % -> 80 x 60 % = 48; teamwork 3 -> 60 x 20 % = 12; no survey: 0 -> 60
        self.assertAlmostEqual(first.score, 60.0)
        self.assertEqual((first.rank_company, second.rank_company), (1, 1))
        self.assertEqual(third.rank_company, 3)  # 10,000 / 50,000 -> 12 + 12 = 24
        self.assertEqual(third.rank_team, 1)
        campaign.action_close()
        self.assertEqual(first.state, "done")
        self.assertTrue(first.is_published)
        self.assertIn("published", first.message_ids[0].body)
        champion = self.env.ref("spm_addon.spm_badge_champion")
        owners = self.env["gamification.badge.user"].search([("badge_id", "=", champion.id)])
        self.assertEqual(owners.user_id, self.rep1 | self.rep2)
        self.assertEqual(owners.employee_id, self.emp[self.rep1] | self.emp[self.rep2])
        # Team Star needs 100: nobody
        team_star = self.env.ref("spm_addon.spm_badge_team_star")
        self.assertFalse(self.env["gamification.badge.user"].search_count([("badge_id", "=", team_star.id)]))
        # awarding again grants nothing
        self.assertFalse(self.env["spm.honour.rule"]._award(campaign))
        self.assertEqual(self.env["gamification.badge.user"].search_count([("badge_id", "=", champion.id)]), 2)
        # done is locked, for the manager and the administrator alike
        with self.assertRaises(UserError):
            first.with_user(self.manager_a).write({"manager_comment": "Changed my mind"})
        with self.assertRaises(UserError):
            first.with_user(self.spm_admin).write({"calibrated_grade_id": first.template_id.grade_ids[0].id})
        with self.assertRaises(UserError):
            first.line_ids[0].with_user(self.spm_admin).write({"manager_rating": "5"})

    def test_forced_distribution(self):
        self._order(self.rep1, 40_000, date(2026, 2, 1))
        self._order(self.rep2, 40_000, date(2026, 2, 1))
        grade_d = self.template.grade_ids.filtered(lambda g: g.name == "D")
        grade_d.max_share = 50.0  # both score 60: D for both, 100 % of the campaign
        campaign = self._campaign()
        campaign.action_start()
        self._review_all(campaign)
        with self.assertRefused(UserError, "D: 2 appraisals (100.0 %), at most 50.0 %"):
            campaign.action_close()
        self.assertEqual(campaign.state, "running")
        grade_c = self.template.grade_ids.filtered(lambda g: g.name == "C")
        self._appraisal(campaign, self.rep1).with_user(self.manager_a).write({"calibrated_grade_id": grade_c.id})
        campaign.action_close()
        self.assertEqual(self._appraisal(campaign, self.rep1).final_grade_id, grade_c)

    def test_security(self):
        campaign = self._campaign(teams=self.team_a | self.team_b)
        campaign.action_start()
        mine = self._appraisal(campaign, self.rep1)
        Appraisal = self.env["spm.appraisal"]
        # self-assessment: rep1 sees only their own
        self.assertEqual(Appraisal.with_user(self.rep1).search([]), mine)
        with self.assertRaises(AccessError):
            self._appraisal(campaign, self.rep2).with_user(self.rep1).read(["score"])
        with self.assertRaises(UserError):  # figures are not the employee's to change
            mine.with_user(self.rep1).write({"manager_comment": "Excellent"})
        mine.with_user(self.rep1).action_submit_self()
        # under review it is confidential until published
        self.assertFalse(Appraisal.with_user(self.rep1).search([]))
        # managers: their team only
        team_a = campaign.appraisal_ids.filtered(lambda a: a.team_id == self.team_a)
        self.assertEqual(Appraisal.with_user(self.manager_a).search([]), team_a)
        self.assertEqual(len(Appraisal.with_user(self.manager_b).search([])), 2)
        with self.assertRaises(AccessError):
            mine.with_user(self.manager_b).read(["score"])
        self.assertEqual(len(Appraisal.with_user(self.spm_admin).search([])), 4)

    def test_bad_input(self):
        Template = self.env["spm.appraisal.template"]
        with self.assertRefused(ValidationError, "the weights total 90.0 %"):
            Template.create(
                {
                    "name": "Broken",
                    "line_ids": [
                        Command.create({"kind": "kpi", "kpi_id": self.kpi_revenue.id, "weight": 60}),
                        Command.create({"kind": "kpi", "kpi_id": self.kpi_satisfaction.id, "weight": 30}),
                    ],
                }
            )
        self.assertFalse(Template.search([("name", "=", "Broken")]))
        with self.assertRefused(ValidationError, "the weights total 80.0 %"):
            self.template.line_ids[0].weight = 40
            self.template.flush_recordset()
            self.template._check_weights()
        Measure = self.env["spm.measure"]
        field = self.env["ir.model.fields"]._get
        base = {
            "name": "Bad",
            "model_id": self.env["ir.model"]._get_id("sale.order"),
            "date_field_id": field("sale.order", "date_order").id,
            "user_field_id": field("sale.order", "user_id").id,
        }
        with self.assertRefused(ValidationError, "is not valid"):
            Measure.create({**base, "aggregation": "count", "domain": "[('no_such_field', '=', 1)]"})
        with self.assertRefused(ValidationError, "needs a numeric value field"):
            Measure.create({**base, "aggregation": "sum", "value_field_id": field("sale.order", "name").id})
        self.assertFalse(Measure.search([("name", "=", "Bad")]))
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.kpi_satisfaction.target_value = -1
        campaign = self._campaign()
        with self.assertRefused(ValidationError, "ends"):
            campaign.date_to = date(2025, 12, 31)
        self.emp[self.rep2].action_archive()
        with self.assertRefused(ValidationError, "archived"):
            self.env["spm.appraisal"].create(
                {"campaign_id": campaign.id, "employee_id": self.emp[self.rep2].id, "user_id": self.rep2.id}
            )
        campaign.action_start()  # the archived employee is left out
        self.assertEqual(campaign.appraisal_ids.user_id, self.rep1)

    def test_ratio_win_rate_and_zero_denominator(self):
        stage_won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        Lead = self.env["crm.lead"]
        for index in range(12):
            lead = Lead.create({"name": f"Deal {index}", "type": "opportunity", "user_id": self.rep1.id})
            if index < 3:
                lead.stage_id = stage_won
            else:
                lead.action_set_lost()
        Lead.with_context(active_test=False).search([("user_id", "=", self.rep1.id)]).write(
            {"date_closed": datetime(2026, 2, 1, 12)}
        )
        win_rate = self.env.ref("spm_addon.spm_kpi_win_rate")
        template = self.env["spm.appraisal.template"].create(
            {"name": "Win rate", "line_ids": [Command.create({"kind": "kpi", "kpi_id": win_rate.id, "weight": 100})]}
        )
        campaign = self._campaign(template_id=template.id)
        campaign.action_start()
        # 3 won of 12 closed = 25 % against 30 %: 83.3
        line = self._appraisal(campaign, self.rep1).line_ids
        self.assertAlmostEqual(line.actual, 25.0)
        self.assertEqual(line.score, 83.3)  # 25 / 30 x 100 = 83.33..., stored to one decimal as the field says
        # rep2 closed nothing: no value, score 0, and the line says why
        line2 = self._appraisal(campaign, self.rep2).line_ids
        self.assertFalse(line2.has_value)
        self.assertEqual(line2.score, 0)
        self.assertIn("denominator is zero", line2.explanation)

    def test_employee_owner_field_and_survey_invitation(self):
        # a measure owned by an employee field: badges received, credited to the employee's user
        field = self.env["ir.model.fields"]._get
        measure = self.env["spm.measure"].create(
            {
                "name": "Badges received",
                "model_id": self.env["ir.model"]._get_id("gamification.badge.user"),
                "date_field_id": field("gamification.badge.user", "create_date").id,
                "user_field_id": field("gamification.badge.user", "employee_id").id,
                "aggregation": "count",
            }
        )
        badge = self.env.ref("spm_addon.spm_badge_champion")
        for employee in (self.emp[self.rep1], self.emp[self.rep1], self.emp[self.rep2]):
            self.env["gamification.badge.user"].create(
                {"badge_id": badge.id, "user_id": employee.user_id.id, "employee_id": employee.id}
            )
        today = date.today()
        values = measure._read_values(today, today)
        self.assertEqual((values[(self.rep1.id,)], values[(self.rep2.id,)]), (2, 1))
        action = measure._source_action(today, today, domain=measure._owner_domain(self.rep1.ids))
        self.assertEqual(self.env["gamification.badge.user"].search_count(action["domain"]), 2)
        # a won deal invites its customer to the satisfaction survey
        lead = self.env["crm.lead"].create(
            {"name": "Big deal", "type": "opportunity", "user_id": self.rep1.id, "partner_id": self.customer.id}
        )
        action = lead.action_spm_satisfaction_survey()
        self.assertEqual(action["res_model"], "survey.invite")
        self.assertEqual(action["context"]["default_partner_ids"], self.customer.ids)
        self.assertEqual(action["context"]["default_survey_id"], self.env.ref("spm_addon.spm_survey_satisfaction").id)

    def test_trust_no_client_context_grants_anything(self):
        """Workflow fields are the server's: no context key a client can send lets anyone set them."""
        campaign = self._campaign()
        campaign.action_start()
        mine = self._appraisal(campaign, self.rep1)
        grade_s = self.template.grade_ids.filtered(lambda g: g.name == "S")
        forged = {"spm_appraisal_compute": True, "spm_skip_target_rules": True, "spm_payout_unlock": True}
        as_rep = mine.with_user(self.rep1).with_context(**forged)
        with self.assertRefused(UserError, "Score"):
            as_rep.write({"score": 150.0, "grade_id": grade_s.id})
        with self.assertRefused(UserError, "State"):
            as_rep.write({"state": "done"})
        with self.assertRefused(UserError, "Score"):
            self._line(mine, kpi=self.kpi_revenue).with_user(self.rep1).with_context(**forged).write({"score": 150})
        with self.assertRefused(UserError, "Manager Rating"):  # a rating is the manager's, not the employee's
            self._line(mine, kind="criterion").with_user(self.rep1).with_context(**forged).write(
                {"manager_rating": "5"}
            )
        self.assertNotEqual(mine.score, 150.0)
        self.assertEqual(mine.state, "self")
        # the campaign's buttons are the administrator's, whatever the context
        for user in (self.rep1, self.manager_a, self.finance):
            with self.assertRaises(AccessError):
                campaign.with_user(user).with_context(**forged).action_compute()
            with self.assertRaises(AccessError):
                campaign.with_user(user).with_context(**forged).action_close()
        # published and done: still refused with the context
        self._review_all(campaign)
        campaign.action_close()
        self.assertEqual(mine.state, "done")
        with self.assertRefused(UserError, "done and locked"):
            mine.with_user(self.rep1).with_context(**forged).write({"score": 150.0, "grade_id": grade_s.id})
        with self.assertRefused(UserError, "done and locked"):
            mine.with_user(self.manager_a).with_context(**forged).write({"manager_comment": "rewritten"})
        self.assertNotEqual(mine.final_grade_id, grade_s)

    def test_trust_review_only_by_the_team_manager(self):
        campaign = self._campaign()
        campaign.action_start()
        mine = self._appraisal(campaign, self.rep1)
        mine.with_user(self.rep1).action_submit_self()
        self._line(mine, kind="criterion").write({"manager_rating": "3"})
        with self.assertRaises(AccessError):  # manager_b leads team B, not team A
            mine.with_user(self.manager_b).action_submit_review()
        with self.assertRaises(AccessError):  # a salesperson never completes a review
            mine.with_user(self.rep1).action_submit_review()
        self.assertEqual(mine.state, "review")
        mine.with_user(self.manager_a).action_submit_review()
        self.assertEqual(mine.state, "calibration")

    def test_submitting_closes_the_self_assessment_activity(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["spm_addon"], ["zh_CN"], overwrite=True)
        self.manager_a.lang = "zh_CN"
        campaign = self._campaign()
        campaign.action_start()
        mine = self._appraisal(campaign, self.rep1)
        self_type = self.env.ref("spm_addon.mail_activity_type_spm_appraisal_self")
        review_type = self.env.ref("spm_addon.mail_activity_type_spm_appraisal_review")
        self.assertEqual(mine.activity_ids.activity_type_id, self_type)
        mine.with_user(self.rep1).action_submit_self()
        self.assertFalse(mine.activity_ids.filtered(lambda a: a.activity_type_id == self_type))
        self.assertEqual(mine.activity_ids.activity_type_id, review_type)
        self.assertEqual(mine.activity_ids.user_id, self.manager_a)
        # in the manager's language, whoever submits
        self.assertEqual(mine.activity_ids.summary, f"评估 {mine.employee_id.name} 的绩效考核")
        # the other appraisal still waits for its self-assessment
        other = self._appraisal(campaign, self.rep2)
        self.assertEqual(other.activity_ids.activity_type_id, self_type)

    def test_leaderboard_shows_published_ranks_to_colleagues(self):
        """The honour roll: once a campaign closes, every salesperson sees everyone's rank, score and
        grade (not their scorecards); a running campaign is not on it, so two campaigns never mix."""
        self._order(self.rep1, 40_000, date(2026, 2, 1))
        self._order(self.rep2, 20_000, date(2026, 2, 1))
        campaign = self._campaign()
        campaign.action_start()
        Board = self.env["spm.leaderboard"].with_user(self.rep2)
        self.assertFalse(Board.search([]), "nothing is published while the campaign runs")
        self._review_all(campaign)
        campaign.action_close()
        running = self._campaign(name="2026 Q2", date_from=date(2026, 4, 1), date_to=date(2026, 6, 30))
        running.action_start()
        rows = Board.search([])
        self.assertEqual(rows.user_id, self.rep1 | self.rep2)  # only the closed campaign
        first = rows.filtered(lambda row: row.rank_company == 1)
        self.assertEqual(first.user_id, self.rep1)  # 40,000 of 50,000 beats 20,000
        self.assertEqual(first.grade_id, self._appraisal(campaign, self.rep1).final_grade_id)
        self.assertTrue(first.grade_color)
        with self.assertRaises(AccessError):  # the scorecard itself stays private
            self._appraisal(campaign, self.rep1).with_user(self.rep2).read(["score"])
