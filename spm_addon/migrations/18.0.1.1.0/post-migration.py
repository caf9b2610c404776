from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The shipped measures of a database installed before the attainment analysis get their customer,
    source and medium fields, once (data/spm_measure_channel_data.xml does it at install)."""
    api.Environment(cr, SUPERUSER_ID, {})["spm.measure"]._set_channel_fields()
