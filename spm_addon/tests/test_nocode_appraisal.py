from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from ..tools import bulk
from .common import SpmCommon
from .nocode_common import NoCodeMixin

CAMPAIGN = "odoo.addons.spm_addon.models.spm_appraisal_campaign"
BULK = "odoo.addons.spm_addon.tools.bulk"


@tagged("post_install", "-at_install")
class TestNoCodeAppraisal(NoCodeMixin, SpmCommon):
    """A campaign's start and computation write appraisals and their lines in bulk: whatever an admin
    configured on them holds as for the same change made in a form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for rep in (cls.rep1, cls.rep2):
            cls.env["hr.employee"].create({"name": rep.name, "user_id": rep.id})
        quota = cls._plan(allocation_method="equal", time_split="quarter")
        quota.action_allocate()
        quota.action_activate()
        cls._order(cls.rep1, 30_000, date(2026, 2, 1))  # rep1's Q1 quota: 1,200,000 / 3 / 2 / 4 = 50,000
        # the shipped template without its manager-rated criterion (teamwork 10 % moved to satisfaction,
        # 20 -> 30 %): its appraisals are complete once computed, and get their grades and ranks then
        shipped = cls.env.ref("spm_addon.spm_appraisal_template_sales")
        cls.template = shipped.copy({"name": "Sales (KPIs only)"})
        criterion = cls.template.line_ids.filtered(lambda line: line.kind == "criterion")
        satisfaction = cls.template.line_ids.filtered(lambda line: line.kpi_id.category == "satisfaction")
        cls.template.line_ids = [Command.unlink(criterion.id), Command.update(satisfaction.id, {"weight": 30})]
        assert len(cls.template.line_ids) == 5 and sum(cls.template.line_ids.mapped("weight")) == 100
        cls.kpi_revenue = cls.env.ref("spm_addon.spm_kpi_revenue_attainment")

    def _campaign(self):
        return self.env["spm.appraisal.campaign"].create(
            {"name": "Q1", "template_id": self.template.id, "date_from": date(2026, 1, 1),
             "date_to": date(2026, 3, 31), "team_ids": [Command.set(self.team_a.ids)]}
        )  # fmt: skip

    def test_plain_models_take_the_fast_path(self):
        for model in ("spm.appraisal", "spm.appraisal.line"):
            self.assertEqual(bulk.orm_reasons(self.env[model], ["score"], create=True), [], model)
        self.assertEqual(bulk.orm_reasons(self.env["spm.appraisal.line"], ["score", "actual"]), [])

    def test_required_custom_field_with_default_and_audit_columns(self):
        self._custom_field("spm.appraisal.line", "x_reviewer_note", required=True, default="n/a")
        self._custom_field("spm.appraisal", "x_cost_center", required=True, default="SALES-01")
        self.assertTrue(bulk.orm_reasons(self.env["spm.appraisal.line"], [], create=True))
        campaign = self._campaign()
        campaign.with_user(self.spm_admin).action_start()  # did not fail on "a mandatory field is not set"
        lines = campaign.appraisal_ids.line_ids
        self.assertEqual(len(lines), 2 * len(self.template.line_ids))
        self.assertEqual(set(lines.mapped("x_reviewer_note")), {"n/a"})
        self.assertEqual(set(campaign.appraisal_ids.mapped("x_cost_center")), {"SALES-01"})
        self.assertEqual(lines.create_uid, self.spm_admin)
        self.assertEqual(lines.filtered("kpi_id").write_uid, self.spm_admin)
        self.assertTrue(all(lines.mapped("create_date")))
        # the guards name what they protect; an admin's own fields follow the access rights
        mine = campaign.appraisal_ids.filtered(lambda appraisal: appraisal.user_id == self.rep1)
        mine.with_user(self.manager_a).x_cost_center = "SALES-02"
        mine.line_ids[:1].with_user(self.manager_a).x_reviewer_note = "checked"
        self.assertEqual((mine.x_cost_center, mine.line_ids[:1].x_reviewer_note), ("SALES-02", "checked"))

    def test_stored_computed_custom_field(self):
        self._custom_field(
            "spm.appraisal.line",
            "x_gap",
            ttype="float",
            depends="target,actual",
            compute="for line in self:\n    line['x_gap'] = line.target - line.actual",
        )
        self.assertIn("x_gap", bulk.orm_reasons(self.env["spm.appraisal.line"], ["actual"])[0])
        campaign = self._campaign()
        campaign.action_start()
        revenue = campaign.appraisal_ids.line_ids.filtered(
            lambda line: line.user_id == self.rep1
            and line.kpi_id == self.env.ref("spm_addon.spm_kpi_revenue_attainment")
        )
        # 50,000 target - 30,000 actual
        self.assertEqual((revenue.target, revenue.actual, revenue.x_gap), (50_000, 30_000, 20_000))
        self._order(self.rep1, 5_000, date(2026, 3, 1))
        campaign.action_compute()
        self.assertEqual(revenue.x_gap, 15_000)

    def test_automation_rules_fire_as_in_a_form(self):
        on_grade = self._automation("spm.appraisal", fields=["final_grade_id"], counter="grade")
        on_create = self._automation("spm.appraisal.line", trigger="on_create_or_write", counter="lines")
        campaign = self._campaign()
        campaign.action_start()
        appraisals = campaign.appraisal_ids
        lines = appraisals.line_ids
        self.assertTrue(all(appraisals.mapped("final_grade_id")))
        # every line was created (and then computed): at least once each, as a form would
        self.assertGreaterEqual(self._fired(on_create), len(lines))
        # as in a form: once when each appraisal is created, once when it gets its first grade
        self.assertEqual(self._fired(on_grade), 2 * len(appraisals))
        before = self._fired(on_grade)
        campaign.action_compute()  # nothing changed: grades stay, the rule on grades does not fire
        self.assertEqual(self._fired(on_grade), before)

    def test_tracked_score_posts_tracking(self):
        campaign = self._campaign().with_context(tracking_disable=False, mail_notrack=False)
        campaign.action_start()
        self.env.flush_all()
        self.env.cr.precommit.run()  # the start's transaction ends (Odoo tracks no record in the one that creates it)
        appraisal = campaign.appraisal_ids.filtered(lambda a: a.user_id == self.rep1)
        before = appraisal.score
        self._order(self.rep1, 20_000, date(2026, 3, 2))  # 50,000 of 50,000 now
        campaign.action_compute()
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = appraisal.message_ids.tracking_value_ids.filtered(lambda value: value.field_id.name == "score")
        self.assertEqual(len(tracked), 1, "the score change is tracked in the chatter, as the field declares")
        self.assertAlmostEqual(tracked.old_value_float, before, places=1)
        self.assertAlmostEqual(tracked.new_value_float, appraisal.score, places=1)
        self.assertGreater(appraisal.score, before)

    def test_properties_defined_per_template(self):
        """Properties as CRM has them per team: defined on the appraisal template by an administrator,
        defaulted on every appraisal a campaign creates, filled in by whom may edit, grouped by."""
        template = self.template.with_user(self.spm_admin)
        template.appraisal_properties_definition = [
            {"name": "region", "string": "Region", "type": "char", "default": "East"},
            {"name": "potential", "string": "Potential", "type": "boolean"},
        ]
        campaign = self._campaign()
        campaign.action_start()
        appraisals = campaign.appraisal_ids
        self.assertEqual([appraisal.properties.get("region") for appraisal in appraisals], ["East", "East"])
        mine = appraisals.filtered(lambda a: a.user_id == self.rep1)
        mine.with_user(self.rep1).action_submit_self()
        mine.with_user(self.manager_a).properties = {"region": "North", "potential": True}
        self.assertEqual(mine.properties, {"region": "North", "potential": True})
        groups = dict(
            self.env["spm.appraisal"]._read_group(
                [("campaign_id", "=", campaign.id)], ["properties.region"], ["__count"]
            )
        )
        self.assertEqual(groups, {"East": 1, "North": 1})

    def test_both_paths_store_the_same_figures(self):
        """The COPY path leaves in the database exactly what the ORM path (taken when something is
        configured) does: same actuals, targets, attainments, scores (rounded as the fields say),
        totals, grades and ranks."""
        self._order(self.rep2, 61_234.567, date(2026, 3, 3))

        def figures(campaign):
            campaign.action_start()
            self.env.flush_all()
            lines = {
                (line.user_id, line.template_line_id): (line.actual, line.target, line.attainment, line.score,
                                                        line.weighted_score, line.has_value)
                for line in campaign.appraisal_ids.line_ids
            }  # fmt: skip
            totals = {
                a.user_id: (a.score, a.result_score, a.behaviour_score, a.grade_id, a.rank_team, a.rank_company)
                for a in campaign.appraisal_ids
            }
            return lines, totals

        plain = figures(self._campaign())
        self._automation("spm.appraisal.line", fields=["score"], counter="scores")
        self._automation("spm.appraisal", fields=["score"], counter="totals")
        through_orm = figures(self._campaign())
        self.assertTrue(self._fired("scores") and self._fired("totals"))
        self.assertEqual(plain, through_orm)

    def test_configured_figures_are_written_in_committed_steps(self):
        """With an automation rule on grades, totals and grades go through the ORM: a background start
        writes them a chunk per step (each step commits in Odoo's cron, so no transaction gathers the
        environments of thousands of rule runs), with its progress, and the rule still fires once per
        appraisal that gets its grade."""
        on_grade = self._automation("spm.appraisal", fields=["final_grade_id"], counter="grade")
        campaign = self._campaign()
        with patch(f"{CAMPAIGN}.BACKGROUND_ABOVE", 1):
            campaign.with_user(self.spm_admin).action_start()
        job = campaign.job_id
        with (
            patch(f"{BULK}.ORM_LINES_PER_STEP", 1),
            patch(f"{BULK}.ORM_CHUNK", 1),
            patch(f"{CAMPAIGN}.START_BATCH", 1),
        ):
            job._run_batch()
            job._run_batch()  # two people of team A, one appraisal a step
            self.assertEqual(len(campaign.appraisal_ids), 2)
            self.assertFalse(any(campaign.appraisal_ids.mapped("grade_id")))
            # 2 appraisals + 2 x 5 KPI lines + 2 totals + 1 = 15 to do; this step writes every KPI line
            # (nothing is configured on lines: one UPDATE) and the total of one appraisal
            job._run_batch()
            self.assertEqual((job.done, job.total, job.state), (13, 15, "running"))
            self.assertEqual(len(campaign.appraisal_ids.filtered("grade_id")), 1)
            self.assertFalse(campaign.compute_date)
            job._run_batch()
        self.assertEqual((job.done, job.total, job.state), (15, 15, "done"))
        appraisals = campaign.appraisal_ids
        self.assertTrue(all(appraisals.mapped("final_grade_id")))
        self.assertEqual(sorted(appraisals.mapped("rank_company")), [1, 2])
        self.assertTrue(campaign.compute_date)
        # once when each appraisal is created, once when it gets its grade: 2 x 2
        self.assertEqual(self._fired(on_grade), 4)
        # rep1: revenue 30,000 of 50,000 -> 60 % attainment, the line written by the step above
        revenue = appraisals.line_ids.filtered(
            lambda line: line.user_id == self.rep1 and line.kpi_id == self.kpi_revenue
        )
        self.assertEqual((revenue.actual, revenue.target, revenue.attainment), (30_000, 50_000, 60.0))

    def test_a_rule_rewriting_the_figures_stops_the_job(self):
        """A rule that rewrites what the server computed would make every step write the same totals
        again, for ever: the job stops and says why."""
        self._automation("spm.appraisal", fields=["score"], counter="rewrite", code="records.write({'score': 1.0})")
        campaign = self._campaign()
        with patch(f"{CAMPAIGN}.BACKGROUND_ABOVE", 1):
            campaign.with_user(self.spm_admin).action_start()
        job = campaign.job_id
        with patch(f"{BULK}.ORM_LINES_PER_STEP", 1), patch(f"{BULK}.ORM_CHUNK", 1):
            for _step in range(6):
                job._run_batch()
                if job.state != "running":
                    break
        self.assertEqual(job.state, "failed")
        self.assertIn("keep changing after the server writes them", job.error)
