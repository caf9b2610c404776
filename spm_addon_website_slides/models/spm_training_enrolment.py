from odoo import api, fields, models
from odoo.exceptions import UserError


class SpmTrainingEnrolment(models.Model):
    _inherit = "spm.training.enrolment"

    channel_partner_id = fields.Many2one(
        "slide.channel.partner", string="eLearning Membership", readonly=True, index="btree_not_null",
        ondelete="set null",
    )  # fmt: skip
    progress = fields.Integer(
        related="channel_partner_id.completion",
        string="Progress (%)",
        help="Share of the eLearning course's lessons done.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """An enrolment in an eLearning course makes its person a member of the course, whose progress it
        follows."""
        enrolments = super().create(vals_list)
        for enrolment in enrolments.sudo().filtered(lambda e: e.kind == "elearning" and e.course_id.channel_id):
            channel = enrolment.course_id.channel_id
            channel._action_add_members(enrolment.user_id.partner_id)
            enrolment.channel_partner_id = channel.channel_partner_ids.filtered(
                lambda member, partner=enrolment.user_id.partner_id: member.partner_id == partner
            )[:1]
        return enrolments

    def write(self, vals):
        if "channel_partner_id" in vals and not self.env.su:
            raise UserError(self.env._("An enrolment's eLearning membership is set by the server when it is created."))
        return super().write(vals)

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
