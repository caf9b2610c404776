from odoo import api, fields, models


class SpmTrainingEnrolment(models.Model):
    _inherit = "spm.training.enrolment"

    @api.model_create_multi
    def create(self, vals_list):
        """An enrolment in an eLearning course makes its person a member of the course."""
        enrolments = super().create(vals_list)
        for enrolment in enrolments.sudo().filtered(lambda e: e.kind == "elearning" and e.course_id.channel_id):
            enrolment.course_id.channel_id._action_add_members(enrolment.user_id.partner_id)
        return enrolments

    def _complete_from_channels(self, memberships):
        """Server code: complete the open enrolments of the people who completed these eLearning
        memberships (``slide.channel.partner``), today, with their completion as the score."""
        enrolments = self.sudo().search(
            [
                ("state", "=", "enrolled"),
                ("course_id.channel_id", "in", memberships.channel_id.ids),
                ("user_id.partner_id", "in", memberships.partner_id.ids),
            ]
        )
        done = {(membership.channel_id.id, membership.partner_id.id): membership for membership in memberships}
        today = fields.Date.context_today(self)
        for enrolment in enrolments:
            membership = done.get((enrolment.course_id.channel_id.id, enrolment.user_id.partner_id.id))
            if membership:
                enrolment._complete(max(enrolment.date_enrolled, today), float(membership.completion))
        return enrolments
