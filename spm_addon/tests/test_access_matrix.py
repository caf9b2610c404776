from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import SpmCommon

# What each role may do on every model of the addon: Odoo's access rights and record rules (ACL + ir.rule),
# exactly as README.md "Roles" states them. Columns:
#   own      read a record in the role's own scope: their own target, appraisal, statement... (for
#            configuration, a record of their company); None where the role has no such record
#   other    read a colleague's record outside that scope (rep3 of team B, led by manager_b)
#   foreign  read a record of another company (multi-company)
#   create / write / unlink   on the model, and on the 'own' record
# Business rules come on top and are tested with the models (a locked run never changes, figures are
# the server's, a done appraisal is locked...): this table is what the access layer itself allows.
U, M, F, A = "salesperson", "manager", "finance", "admin"
READ_ONLY = (True, True, False, False, False, False)
ADMIN = (True, True, False, True, True, True)
CONFIG = {U: READ_ONLY, M: READ_ONLY, F: READ_ONLY, A: ADMIN}
EXPECTED = {
    "spm.measure": CONFIG,
    "spm.kpi": CONFIG,
    "spm.kpi.step": CONFIG,
    "spm.appraisal.criterion": CONFIG,
    "spm.appraisal.grade": CONFIG,
    "spm.appraisal.template": CONFIG,
    "spm.appraisal.template.line": CONFIG,
    "spm.honour.rule": CONFIG,
    "spm.incentive.plan": CONFIG,
    "spm.incentive.tier": CONFIG,
    "spm.incentive.spif": CONFIG,
    "spm.incentive.grade.bonus": CONFIG,
    "spm.incentive.category.rate": CONFIG,
    "spm.credit.split": CONFIG,
    "spm.credit.split.share": CONFIG,
    "spm.quota.plan": CONFIG,
    "spm.appraisal.campaign": CONFIG,
    "spm.monitor.rule": CONFIG,
    "spm.monitor.stage.limit": CONFIG,
    "spm.training.course": CONFIG,
    "spm.training.requirement": CONFIG,
    #                     own    other  foreign create write  unlink
    "spm.payout.run": {
        U: READ_ONLY,
        M: (True, True, False, False, True, False),  # writes only through buttons (chatter needs write)
        F: (True, True, False, False, True, False),
        A: ADMIN,
    },
    "spm.quota.line": {
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, True, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.quota.report": {  # targets and actuals: read as their quota lines, never written
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.attainment.report": {  # attainment analysis: as the quota lines, never written
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.attainment.fact": {  # the analysis' actuals: written and read by the server only
        U: (None, False, False, False, False, False),
        M: (None, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (None, False, False, False, False, False),
    },
    "spm.customer.report": {  # customer behaviour: as the orders' salespeople
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.customer.rfm.report": {  # customer value: as the salesperson of each customer's last order
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.funnel.report": {  # sales funnel: as the opportunities' salespeople
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.quota.adjustment": {  # an audit trail: written by the server only, never deleted
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.quota.line.adjust": {  # the Adjust wizard: each user their own
        U: (None, False, False, False, False, False),
        M: (True, False, False, True, True, True),
        F: (None, False, False, False, False, False),
        A: (True, False, False, True, True, True),
    },
    "spm.appraisal": {
        U: (True, False, False, False, True, False),
        M: (True, False, False, False, True, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.appraisal.line": {
        U: (True, False, False, False, True, False),
        M: (True, False, False, False, True, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.payout.statement": {
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (True, True, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.payout.line": {
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (True, True, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.payout.dispute": {
        U: (True, False, False, True, True, False),
        M: (True, False, False, True, True, False),
        F: (True, True, False, True, True, False),
        A: (True, True, False, True, True, True),
    },
    "spm.leaderboard": {  # the honour roll of published appraisals: everyone of the company
        U: (True, True, False, False, False, False),
        M: (True, True, False, False, False, False),
        F: (True, True, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.job": {  # background jobs: written by the server only, each user follows their own
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (True, False, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.overview": {  # the first screen: each user their own, made by the server (write: the web client
        U: (True, False, False, False, True, False),  # computes its lists only for who may write; whose
        M: (True, False, False, False, True, False),  # overview it is never changes)
        F: (True, False, False, False, True, False),
        A: (True, False, False, False, True, False),
    },
    "spm.monitor.hit": {  # alerts: raised by the server; salespeople their own, managers their teams'
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.training.need": {  # training needs: own read-only, team's decided by the manager (buttons)
        U: (True, False, False, False, False, False),
        M: (True, False, False, True, True, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.training.enrolment": {
        U: (True, False, False, False, False, False),
        M: (True, False, False, True, True, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.training.effect": {  # a course's measured effect: counts and figures, no names; the server writes it
        U: (True, True, False, False, False, False),
        M: (True, True, False, False, False, False),
        F: (True, True, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.training.effect.person": {  # each trained person's before / after: own, team's, all
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.forecast": {  # forecasts: computed by the server; own, led teams' and own, all (finance: the company's)
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (True, True, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.career.level": CONFIG,
    "spm.career.criterion": CONFIG,
    "spm.career.readiness": {  # each person's criteria for the next level: computed by the server
        U: (True, False, False, False, False, False),
        M: (True, False, False, False, False, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, False, False, False),
    },
    "spm.development.plan": {  # the person reads, the manager edits (status through buttons)
        U: (True, False, False, False, False, False),
        M: (True, False, False, True, True, False),
        F: (None, False, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.development.goal": {  # the person writes their progress comment only (checked by the model)
        U: (True, False, False, False, True, False),
        M: (True, False, False, True, True, True),
        F: (None, False, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.development.review": {
        U: (True, False, False, False, False, False),
        M: (True, False, False, True, True, True),
        F: (None, False, False, False, False, False),
        A: (True, True, False, True, True, True),
    },
    "spm.payout.simulate": {  # What-If: each user their own simulations
        U: (True, False, False, True, True, True),
        M: (True, False, False, True, True, True),
        F: (True, False, False, True, True, True),
        A: (True, False, False, True, True, True),
    },
}


@tagged("post_install", "-at_install")
class TestAccessMatrix(SpmCommon):
    """Every spm.* model x every role x read own / read other's / read another company's / create / write /
    unlink, against the table above: 0 deviations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company2 = env["res.company"].create({"name": "Other Company", "currency_id": cls.currency.id})
        c2 = {"company_id": cls.company2.id}
        cls.roles = {U: cls.rep1, M: cls.manager_a, F: cls.finance, A: cls.spm_admin}
        for rep in (cls.rep1, cls.rep3):
            env["hr.employee"].create({"name": rep.name, "user_id": rep.id})
        # quotas: a plan of the year, equal split without periods, active; adjustments by the server
        plan = cls._plan(allocation_method="equal", time_split="none")
        plan.action_allocate()
        plan.action_activate()
        line_of = {line.user_id or line.team_id: line for line in plan.line_ids}
        company_line = plan.line_ids.filtered(lambda line: line.level == "company")
        Adjustment = env["spm.quota.adjustment"]

        def adjustment(line):
            return Adjustment.create({"line_id": line.id, "old_target": 1, "new_target": 2, "reason": "test"})

        foreign_plan = cls._plan(name="Elsewhere", team_ids=[Command.clear()], **c2)
        foreign_line = env["spm.quota.line"].create(
            {"plan_id": foreign_plan.id, "level": "company", "date_from": date(2026, 1, 1),
             "date_to": date(2026, 12, 31), "target": 100}
        )  # fmt: skip
        wizards = {
            user: env["spm.quota.line.adjust"]
            .with_user(user)
            .create({"line_id": line.id, "new_target": 1, "reason": "wizard"})
            for user, line in ((cls.manager_a, line_of[cls.team_a]), (cls.spm_admin, company_line))
        }
        other_wizard = (
            env["spm.quota.line.adjust"]
            .with_user(cls.manager_b)
            .create({"line_id": line_of[cls.team_b].id, "new_target": 1, "reason": "wizard"})
        )
        # appraisals: a campaign of teams A and B, started (self-assessment)
        template = env.ref("spm_addon.spm_appraisal_template_sales")
        campaign = env["spm.appraisal.campaign"].create(
            {"name": "H1", "template_id": template.id, "date_from": date(2026, 1, 1), "date_to": date(2026, 6, 30),
             "team_ids": [Command.set((cls.team_a | cls.team_b).ids)]}
        )  # fmt: skip
        campaign.action_start()
        appraisal_of = {appraisal.user_id: appraisal for appraisal in campaign.appraisal_ids}
        foreign_template = template.copy({"name": "Elsewhere", **c2})
        foreign_campaign = env["spm.appraisal.campaign"].create(
            {"name": "Elsewhere", "template_id": foreign_template.id, "date_from": date(2026, 1, 1),
             "date_to": date(2026, 6, 30), **c2}
        )  # fmt: skip
        foreign_employee = env["hr.employee"].create({"name": "Faraway", **c2})
        foreign_appraisal = env["spm.appraisal"].create(
            {"campaign_id": foreign_campaign.id, "employee_id": foreign_employee.id, "user_id": cls.rep5.id}
        )
        foreign_appraisal_line = env["spm.appraisal.line"].create(
            {"appraisal_id": foreign_appraisal.id, "kind": "kpi", "name": "x", "category": "result"}
        )
        # incentives: a flat plan, January sales of rep1 and rep3, a computed run, disputes, what-ifs
        incentive = env["spm.incentive.plan"].create(
            {"name": "Commission", "date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31),
             "measure_id": cls.measure_sales.id, "team_ids": [Command.set(cls.teams.ids)], "rate_type": "flat",
             "flat_rate": 5, "tier_ids": [Command.create({"lower": 0, "rate": 5})],
             "spif_ids": [Command.create({"name": "Widgets", "date_from": date(2026, 1, 1),
                                          "date_to": date(2026, 1, 31), "amount": 10,
                                          "product_ids": [Command.set(cls.product.ids)]})],
             "grade_bonus_ids": [Command.create({"grade": "S", "amount": 100})]}
        )  # fmt: skip
        categ_plan = env["spm.incentive.plan"].create(
            {"name": "By category", "date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31),
             "measure_id": env.ref("spm_addon.spm_measure_sales_revenue_categ").id, "rate_type": "flat",
             "category_rate_ids": [Command.create({"categ_id": cls.categ_sv.id, "rate": 10})]}
        )  # fmt: skip
        foreign_categ_plan = categ_plan.copy({"name": "Elsewhere", **c2})
        cls._order(cls.rep1, 10_000, date(2026, 1, 10))
        cls._order(cls.rep3, 20_000, date(2026, 1, 12))
        own_customer = env["res.partner"].create({"name": "Own Customer"})
        own_order = cls._order(cls.rep1, 500, date(2026, 1, 11), partner=own_customer)
        other_order = cls._order(cls.rep3, 600, date(2026, 1, 13))
        foreign_order = env["sale.order"].create(
            {"partner_id": cls.customer.id, "user_id": cls.rep5.id, **c2,
             "order_line": [Command.create({"product_id": cls.product.id, "price_unit": 700, "tax_id": []})]}
        )  # fmt: skip
        foreign_order.action_confirm()
        split = env["spm.credit.split"].create(
            {"plan_id": incentive.id, "document_ref": f"sale.order,{cls._order(cls.rep2, 100, date(2026, 1, 3)).id}",
             "share_ids": [Command.create({"user_id": cls.rep2.id, "percent": 100})]}
        )  # fmt: skip
        run = env["spm.payout.run"].create(
            {"name": "January", "plan_id": incentive.id, "date_from": date(2026, 1, 1), "date_to": date(2026, 1, 31)}
        )
        run.action_compute()
        statement_of = {statement.user_id: statement for statement in run.statement_ids}
        Dispute = env["spm.payout.dispute"]
        dispute_of = {
            rep: Dispute.with_user(rep).create({"line_id": statement_of[rep].line_ids[0].id, "comment": "?"})
            for rep in (cls.rep1, cls.rep3)
        }
        foreign_incentive = incentive.copy({"name": "Elsewhere", "team_ids": [Command.clear()], **c2})
        foreign_split = env["spm.credit.split"].create(
            {"plan_id": foreign_incentive.id, "document_ref": split.document_ref,
             "share_ids": [Command.create({"user_id": cls.rep5.id, "percent": 100})]}
        )  # fmt: skip
        foreign_run = env["spm.payout.run"].create(
            {"name": "Elsewhere", "plan_id": foreign_incentive.id, "date_from": date(2026, 1, 1),
             "date_to": date(2026, 1, 31)}
        )  # fmt: skip
        foreign_statement = env["spm.payout.statement"].create({"run_id": foreign_run.id, "user_id": cls.rep5.id})
        foreign_payout_line = env["spm.payout.line"].create(
            {"statement_id": foreign_statement.id, "res_model": "res.users", "res_id": cls.rep5.id, "amount": 1}
        )
        foreign_dispute = Dispute.create({"line_id": foreign_payout_line.id, "comment": "?"})
        simulations = {
            user: env["spm.payout.simulate"].with_user(user).create({"plan_id": incentive.id, "user_id": user.id})
            for user in cls.roles.values()
        }
        other_simulation = (
            env["spm.payout.simulate"].with_user(cls.rep3).create({"plan_id": incentive.id, "user_id": cls.rep3.id})
        )

        def job(user, company=cls.company):  # ended jobs: one record has one open job at a time
            return env["spm.job"].create(
                {"name": "Start", "res_model": campaign._name, "res_id": campaign.id, "step": "_job_start",
                 "user_id": user.id, "company_id": company.id, "state": "done"}
            )  # fmt: skip

        def report(line):
            return env["spm.quota.report"].browse(line.id * 3)

        def attainment_row(line):  # the target row of a leaf line
            return env["spm.attainment.report"].browse(line.id * 2)

        fact = env["spm.attainment.fact"].create(
            {"plan_id": plan.id, "company_id": cls.company.id, "date_from": date(2026, 1, 1),
             "date_to": date(2026, 12, 31), "user_id": cls.rep1.id, "team_id": cls.team_a.id, "amount": 1}
        )  # fmt: skip

        def customer_row(order):
            return env["spm.customer.report"].browse(order.id)

        def rfm_row(order):
            return env["spm.customer.rfm.report"].search(
                [("partner_id", "=", order.partner_id.id), ("company_id", "=", order.company_id.id)]
            )

        Lead = env["crm.lead"]
        own_lead = Lead.create(
            {"name": "Own deal", "type": "opportunity", "user_id": cls.rep1.id, "team_id": cls.team_a.id}
        )
        other_lead = Lead.create(
            {"name": "Other deal", "type": "opportunity", "user_id": cls.rep3.id, "team_id": cls.team_b.id}
        )
        foreign_lead = Lead.create(
            {"name": "Foreign deal", "type": "opportunity", "user_id": False, "team_id": False, **c2}
        )

        def funnel_row(lead):
            return env["spm.funnel.report"].search([("lead_id", "=", lead.id), ("is_lead_stage", "=", True)])

        def overview(user):
            return env["spm.overview"].sudo().create({"user_id": user.id})

        other_overview = overview(cls.rep3)

        # published appraisals are on the leaderboard
        (appraisal_of[cls.rep1] | appraisal_of[cls.rep3] | foreign_appraisal).write({"is_published": True})
        board = env["spm.leaderboard"]

        # configuration of another company
        foreign_measure = cls.measure_sales.copy({"name": "Elsewhere", **c2})
        foreign_kpi = env.ref("spm_addon.spm_kpi_won_deals").copy({"name": "Elsewhere", **c2})
        foreign_kpi_step = env["spm.kpi.step"].create({"kpi_id": foreign_kpi.id, "threshold": 50, "score": 50})
        kpi = env.ref("spm_addon.spm_kpi_won_deals")
        kpi_step = env["spm.kpi.step"].create({"kpi_id": kpi.id, "threshold": 50, "score": 50})
        criterion = env.ref("spm_addon.spm_criterion_teamwork")
        honour = env["spm.honour.rule"].search([], limit=1)
        foreign_honour = honour.copy({"name": "Elsewhere", **c2})

        # monitoring: a rule with a stage limit, alerts of rep1 (team A) and rep3 (team B), and elsewhere
        stage = env["crm.stage"].create({"name": "Matrix stage"})
        monitor_rule = env["spm.monitor.rule"].create(
            {"name": "Stalled", "stage_limit_ids": [Command.create({"stage_id": stage.id, "days": 10})]}
        )
        foreign_monitor_rule = monitor_rule.copy({"name": "Elsewhere", **c2})
        foreign_monitor_rule.stage_limit_ids = [Command.create({"stage_id": stage.id, "days": 10})]

        def alert(rule, rep, team):
            return env["spm.monitor.hit"].create(
                {"rule_id": rule.id, "person_id": rep.id, "team_id": team.id, "manager_id": team.user_id.id,
                 "res_model": "res.users", "res_id": rep.id, "period_key": "2026-W01", "date": date(2026, 1, 5)}
            )  # fmt: skip

        alert_rep1 = alert(monitor_rule, cls.rep1, cls.team_a)

        def config(record, foreign):
            return {role: record for role in cls.roles}, record, foreign

        # training: a course of each company, needs and enrolments of rep1 and rep3, a measured effect
        course = env["spm.training.course"].create({"name": "Course", "kpi_ids": [Command.set(kpi.ids)]})
        foreign_course = env["spm.training.course"].create({"name": "Elsewhere", **c2})
        requirement = env["spm.training.requirement"].create({"team_id": cls.team_a.id, "course_id": course.id})
        foreign_team = env["crm.team"].create({"name": "Elsewhere", **c2})
        foreign_requirement = env["spm.training.requirement"].create(
            {"team_id": foreign_team.id, "course_id": foreign_course.id, **c2}
        )
        Need = env["spm.training.need"]
        need_of = {
            rep: Need.create({"user_id": rep.id, "team_id": rep.sale_team_id.id,
                              "manager_user_id": rep.sale_team_id.user_id.id, "course_ids": [Command.set(course.ids)]})
            for rep in (cls.rep1, cls.rep3)
        }  # fmt: skip
        foreign_need = Need.create({"user_id": cls.rep5.id, **c2})
        Enrolment = env["spm.training.enrolment"]
        enrolment_of = {
            rep: Enrolment.create({"user_id": rep.id, "course_id": course.id}) for rep in (cls.rep1, cls.rep3)
        }
        foreign_enrolment = Enrolment.create({"user_id": cls.rep5.id, "course_id": foreign_course.id})
        Effect = env["spm.training.effect"]

        def effect(course, enrolments):
            return Effect.create(
                {"course_id": course.id, "kpi_id": kpi.id,
                 "person_ids": [Command.create({"enrolment_id": enrolment.id}) for enrolment in enrolments]}
            )  # fmt: skip

        course_effect = effect(course, enrolment_of[cls.rep1] | enrolment_of[cls.rep3])
        foreign_effect = effect(foreign_course, foreign_enrolment)
        person_of = {line.user_id: line for line in course_effect.person_ids}

        # forecasts: rep1's row, team A's, the company's; rep3's; another company's
        def forecast_row(scope, company=cls.company, user=None, team=None):
            return env["spm.forecast"].create(
                {"scope": scope, "company_id": company.id, "user_id": user and user.id, "team_id": team and team.id,
                 "month": date(2026, 1, 1), "forecast_amount": 1}
            )  # fmt: skip

        # career path: a level with a criterion per company, readiness rows and plans of rep1, rep3, rep5
        level = env["spm.career.level"].create(
            {"name": "Senior", "criterion_ids": [Command.create({"kind": "certification", "course_id": course.id})]}
        )
        foreign_level = env["spm.career.level"].create(
            {"name": "Elsewhere", **c2,
             "criterion_ids": [Command.create({"kind": "certification", "course_id": foreign_course.id})]}
        )  # fmt: skip

        def readiness(rep, level, team):
            return env["spm.career.readiness"].create(
                {"user_id": rep.id, "team_id": team.id, "manager_user_id": team.user_id.id,
                 "company_id": level.company_id.id, "level_id": level.id, "criterion_id": level.criterion_ids.id}
            )  # fmt: skip

        def dev_plan(rep, company=cls.company):
            return env["spm.development.plan"].create(
                {"name": rep.name, "user_id": rep.id, "company_id": company.id, "date_start": date(2026, 1, 1),
                 "goal_ids": [Command.create({"description": "Goal"})],
                 "review_ids": [Command.create({"date": date(2026, 6, 1)})]}
            )  # fmt: skip

        plan_of = {rep: dev_plan(rep) for rep in (cls.rep1, cls.rep3)}
        foreign_dev_plan = dev_plan(cls.rep5, cls.company2)
        own_readiness = readiness(cls.rep1, level, cls.team_a)

        def personal(own, other, foreign):
            return {U: own, M: own, F: None, A: own}, other, foreign

        company_row = forecast_row("company")
        cls.records = {
            "spm.forecast": (
                {
                    U: forecast_row("user", user=cls.rep1, team=cls.team_a),
                    M: forecast_row("team", team=cls.team_a),
                    F: company_row,
                    A: company_row,
                },
                forecast_row("user", user=cls.rep3, team=cls.team_b),
                forecast_row("company", company=cls.company2),
            ),  # fmt: skip
            "spm.career.level": config(level, foreign_level),
            "spm.career.criterion": config(level.criterion_ids, foreign_level.criterion_ids),
            "spm.career.readiness": personal(
                own_readiness, readiness(cls.rep3, level, cls.team_b), readiness(cls.rep5, foreign_level, cls.team_c)
            ),
            "spm.development.plan": personal(plan_of[cls.rep1], plan_of[cls.rep3], foreign_dev_plan),
            "spm.development.goal": personal(
                plan_of[cls.rep1].goal_ids, plan_of[cls.rep3].goal_ids, foreign_dev_plan.goal_ids
            ),
            "spm.development.review": personal(
                plan_of[cls.rep1].review_ids, plan_of[cls.rep3].review_ids, foreign_dev_plan.review_ids
            ),
            "spm.measure": config(cls.measure_sales, foreign_measure),
            "spm.kpi": config(kpi, foreign_kpi),
            "spm.kpi.step": config(kpi_step, foreign_kpi_step),
            "spm.appraisal.criterion": config(criterion, criterion.copy({"name": "Elsewhere", **c2})),
            "spm.appraisal.grade": config(template.grade_ids[0], foreign_template.grade_ids[0]),
            "spm.appraisal.template": config(template, foreign_template),
            "spm.appraisal.template.line": config(template.line_ids[0], foreign_template.line_ids[0]),
            "spm.honour.rule": config(honour, foreign_honour),
            "spm.incentive.plan": config(incentive, foreign_incentive),
            "spm.incentive.tier": config(incentive.tier_ids[0], foreign_incentive.tier_ids[0]),
            "spm.incentive.spif": config(incentive.spif_ids[0], foreign_incentive.spif_ids[0]),
            "spm.incentive.grade.bonus": config(incentive.grade_bonus_ids[0], foreign_incentive.grade_bonus_ids[0]),
            "spm.incentive.category.rate": config(
                categ_plan.category_rate_ids[0], foreign_categ_plan.category_rate_ids[0]
            ),
            "spm.credit.split": config(split, foreign_split),
            "spm.credit.split.share": config(split.share_ids[0], foreign_split.share_ids[0]),
            "spm.quota.plan": config(plan, foreign_plan),
            "spm.monitor.rule": config(monitor_rule, foreign_monitor_rule),
            "spm.monitor.stage.limit": config(monitor_rule.stage_limit_ids, foreign_monitor_rule.stage_limit_ids),
            "spm.monitor.hit": (
                {U: alert_rep1, M: alert_rep1, F: None, A: alert_rep1},
                alert(monitor_rule, cls.rep3, cls.team_b),
                alert(foreign_monitor_rule, cls.rep5, cls.team_c),
            ),
            "spm.appraisal.campaign": config(campaign, foreign_campaign),
            "spm.training.course": config(course, foreign_course),
            "spm.training.requirement": config(requirement, foreign_requirement),
            "spm.training.need": (
                {U: need_of[cls.rep1], M: need_of[cls.rep1], F: None, A: need_of[cls.rep1]},
                need_of[cls.rep3],
                foreign_need,
            ),
            "spm.training.enrolment": (
                {U: enrolment_of[cls.rep1], M: enrolment_of[cls.rep1], F: None, A: enrolment_of[cls.rep1]},
                enrolment_of[cls.rep3],
                foreign_enrolment,
            ),
            "spm.training.effect": config(course_effect, foreign_effect),
            "spm.training.effect.person": (
                {U: person_of[cls.rep1], M: person_of[cls.rep1], F: None, A: person_of[cls.rep1]},
                person_of[cls.rep3],
                foreign_effect.person_ids,
            ),
            "spm.payout.run": config(run, foreign_run),
            "spm.quota.line": (
                {U: line_of[cls.rep1], M: line_of[cls.team_a], F: None, A: company_line},
                line_of[cls.rep3],
                foreign_line,
            ),
            "spm.quota.report": (  # the target row of each line
                {U: report(line_of[cls.rep1]), M: report(line_of[cls.team_a]), F: None, A: report(company_line)},
                report(line_of[cls.rep3]),
                report(foreign_line),
            ),
            "spm.attainment.report": (
                {
                    U: attainment_row(line_of[cls.rep1]),
                    M: attainment_row(line_of[cls.rep1]),
                    F: None,
                    A: attainment_row(line_of[cls.rep1]),
                },
                attainment_row(line_of[cls.rep3]),
                attainment_row(foreign_line),
            ),  # fmt: skip
            "spm.attainment.fact": ({role: None for role in cls.roles}, fact, fact),
            "spm.customer.report": (
                {U: customer_row(own_order), M: customer_row(own_order), F: None, A: customer_row(own_order)},
                customer_row(other_order),
                customer_row(foreign_order),
            ),
            "spm.customer.rfm.report": (
                {U: rfm_row(own_order), M: rfm_row(own_order), F: None, A: rfm_row(own_order)},
                rfm_row(other_order),
                rfm_row(foreign_order),
            ),
            "spm.funnel.report": (
                {U: funnel_row(own_lead), M: funnel_row(own_lead), F: None, A: funnel_row(own_lead)},
                funnel_row(other_lead),
                funnel_row(foreign_lead),
            ),
            "spm.quota.adjustment": (
                {
                    U: adjustment(line_of[cls.rep1]),
                    M: adjustment(line_of[cls.team_a]),
                    F: None,
                    A: adjustment(company_line),
                },
                adjustment(line_of[cls.rep3]),
                adjustment(foreign_line),
            ),  # fmt: skip
            "spm.quota.line.adjust": (
                {U: None, M: wizards[cls.manager_a], F: None, A: wizards[cls.spm_admin]},
                other_wizard,
                env["spm.quota.line.adjust"].create({"line_id": foreign_line.id, "new_target": 1, "reason": "x"}),
            ),
            "spm.appraisal": (
                {U: appraisal_of[cls.rep1], M: appraisal_of[cls.rep1], F: None, A: appraisal_of[cls.rep1]},
                appraisal_of[cls.rep3],
                foreign_appraisal,
            ),
            "spm.appraisal.line": (
                {role: appraisal_of[cls.rep1].line_ids[0] for role in (U, M, A)} | {F: None},
                appraisal_of[cls.rep3].line_ids[0],
                foreign_appraisal_line,
            ),
            "spm.payout.statement": (
                {role: statement_of[cls.rep1] for role in cls.roles},
                statement_of[cls.rep3],
                foreign_statement,
            ),
            "spm.payout.line": (
                {role: statement_of[cls.rep1].line_ids[0] for role in cls.roles},
                statement_of[cls.rep3].line_ids[0],
                foreign_payout_line,
            ),
            "spm.payout.dispute": (
                {role: dispute_of[cls.rep1] for role in cls.roles},
                dispute_of[cls.rep3],
                foreign_dispute,
            ),
            "spm.leaderboard": (
                {role: board.browse(appraisal_of[cls.rep1].id) for role in cls.roles},
                board.browse(appraisal_of[cls.rep3].id),
                board.browse(foreign_appraisal.id),
            ),
            "spm.job": (
                {role: job(user) for role, user in cls.roles.items()},
                job(cls.rep3),
                job(cls.rep5, cls.company2),
            ),
            "spm.overview": (
                {role: overview(user) for role, user in cls.roles.items()},
                other_overview,
                other_overview,
            ),
            "spm.payout.simulate": (
                {role: simulations[user] for role, user in cls.roles.items()},
                other_simulation,
                other_simulation,
            ),
        }

    def _answers(self, model, role):
        user = self.roles[role]
        owned, other, foreign = self.records[model]
        mine = owned[role]
        Model = self.env[model].with_user(user)
        return (
            mine.with_user(user).has_access("read") if mine else None,
            other.with_user(user).has_access("read"),
            foreign.with_user(user).has_access("read") if foreign != other else False,
            Model.has_access("create"),
            mine.with_user(user).has_access("write") if mine else False,
            mine.with_user(user).has_access("unlink") if mine else False,
        )

    def test_every_model_is_in_the_table(self):
        models = {
            model for model in self.env["ir.model"].search([("model", "=like", "spm.%")]).mapped("model")
            if not self.env[model]._abstract
        }  # fmt: skip
        self.assertEqual(models, set(EXPECTED), "every spm.* model has its line in the access table")
        self.assertEqual(set(EXPECTED), set(self.records))

    def test_access_matrix(self):
        columns = ("read own", "read other's", "read other company's", "create", "write", "unlink")
        deviations = []
        for model, by_role in EXPECTED.items():
            for role, expected in by_role.items():
                actual = self._answers(model, role)
                deviations += [
                    f"{model} / {role} / {column}: expected {want}, got {got}"
                    for column, want, got in zip(columns, expected, actual, strict=True)
                    if want != got
                ]
        self.assertFalse(deviations, "access deviations from README's roles:\n" + "\n".join(deviations))

    def test_multi_company_user_sees_both_only_when_both_are_active(self):
        """An administrator of both companies reads the other company's records only with it selected."""
        self.spm_admin.company_ids = [Command.link(self.company2.id)]
        _owned, _other, foreign = self.records["spm.payout.statement"]
        as_admin = foreign.with_user(self.spm_admin)
        self.assertFalse(as_admin.with_context(allowed_company_ids=[self.company.id]).has_access("read"))
        both = [self.company.id, self.company2.id]
        self.assertTrue(as_admin.with_context(allowed_company_ids=both).has_access("read"))
