from datetime import date

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import SpmCommon


@tagged("post_install", "-at_install")
class TestAppraisalTour(HttpCase, SpmCommon):
    """A salesperson fills in and submits their self-assessment in a real browser."""

    def test_salesperson_self_assessment(self):
        self.env["hr.employee"].create({"name": "Rep 1", "user_id": self.rep1.id})
        campaign = self.env["spm.appraisal.campaign"].create(
            {
                "name": "Tour Q1",
                "template_id": self.env.ref("spm_addon.spm_appraisal_template_sales").id,
                "date_from": date(2026, 1, 1),
                "date_to": date(2026, 3, 31),
                "team_ids": [Command.set(self.team_a.ids)],
            }
        )
        campaign.action_start()
        self.start_tour("/odoo/action-spm_addon.spm_appraisal_action_my", "spm_appraisal_self_tour", login="rep1")
        appraisal = campaign.appraisal_ids
        self.assertEqual(appraisal.state, "review")
        self.assertEqual(appraisal.self_comment, "Two new customers in Shenzhen this quarter.")
        teamwork = appraisal.line_ids.filtered(lambda line: line.kind == "criterion")
        self.assertEqual(teamwork.self_rating, "4")
