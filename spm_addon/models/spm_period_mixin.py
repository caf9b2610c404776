from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SpmPeriodMixin(models.AbstractModel):
    """A record over a period [date_from, date_to]: the period starts before it ends and lies inside
    the period of the record that contains it (a plan for its targets, runs and SPIFs)."""

    _name = "spm.period.mixin"
    _description = "Record over a Period"

    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)

    def _period_container(self):
        """The record whose period contains this one's, if any."""
        return None

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for record in self:
            if record.date_to < record.date_from:
                raise ValidationError(
                    self.env._(
                        "%(record)s ends on %(end)s, before it starts on %(start)s.",
                        record=record.display_name,
                        end=record.date_to,
                        start=record.date_from,
                    )
                )
            container = record._period_container()
            if container and (record.date_from < container.date_from or record.date_to > container.date_to):
                raise ValidationError(
                    self.env._(
                        "%(record)s (%(start)s - %(end)s) lies outside the period of %(container)s "
                        "(%(container_start)s - %(container_end)s).",
                        record=record.display_name,
                        start=record.date_from,
                        end=record.date_to,
                        container=container.display_name,
                        container_start=container.date_from,
                        container_end=container.date_to,
                    )
                )
