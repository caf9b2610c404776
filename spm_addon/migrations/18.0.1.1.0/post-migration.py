from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """A database installed before the analysis by region and channel: the shipped measures get their
    customer, source and medium fields, once (data/spm_measure_channel_data.xml does it at install), and
    the running plans their actuals by region and channel (their next refresh would rebuild them)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["spm.measure"]._set_channel_fields()
    for plan in env["spm.quota.plan"].search([("state", "in", ("active", "locked"))]):
        env["spm.attainment.fact"]._rebuild(plan)
