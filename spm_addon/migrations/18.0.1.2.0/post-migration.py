from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Payout lines and attainment facts were written without audit columns: the update adds the
    columns, empty on the existing rows. A payout line was computed with its statement, so it takes the
    statement's; a fact, rebuilt by its plan's refresh, the plan's last refresh (else now).

    An open appraisal with a criterion not rated yet is provisional (a done one was published as it
    is); those of running campaigns get their totals again: a provisional score without the unrated
    criteria, and no grade and no rank until they are rated."""
    cr.execute(
        """
        UPDATE spm_payout_line line
           SET create_uid = statement.create_uid, create_date = statement.create_date,
               write_uid = statement.create_uid, write_date = statement.create_date
          FROM spm_payout_statement statement
         WHERE statement.id = line.statement_id AND line.create_date IS NULL
        """
    )
    cr.execute(
        """
        UPDATE spm_attainment_fact fact
           SET create_uid = plan.write_uid, write_uid = plan.write_uid,
               create_date = COALESCE(plan.refresh_date, NOW() AT TIME ZONE 'UTC'),
               write_date = COALESCE(plan.refresh_date, NOW() AT TIME ZONE 'UTC')
          FROM spm_quota_plan plan
         WHERE plan.id = fact.plan_id AND fact.create_date IS NULL
        """
    )
    cr.execute(
        """
        UPDATE spm_appraisal appraisal
           SET is_provisional = appraisal.state != 'done' AND EXISTS (
                   SELECT 1 FROM spm_appraisal_line line
                    WHERE line.appraisal_id = appraisal.id AND line.kind = 'criterion' AND line.manager_rating IS NULL
               )
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    for campaign in env["spm.appraisal.campaign"].search([("state", "=", "running")]):
        campaign._compute_totals()
