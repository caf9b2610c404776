from odoo import fields, models

from .spm_job import STATES

# Above this many records a long operation is queued as a background job instead of running in the
# web request (at bench scale every long operation of the addon exceeds it).
BACKGROUND_ABOVE = 2000


class SpmJobMixin(models.AbstractModel):
    """A record whose long operations run as background jobs (spm.job) and show their progress."""

    _name = "spm.job.mixin"
    _description = "Record with Background Jobs"

    job_id = fields.Many2one("spm.job", string="Background Job", compute="_compute_job_id")
    job_state = fields.Selection(STATES, string="Job Status", compute="_compute_job_id")
    job_progress = fields.Float(string="Job Progress", compute="_compute_job_id")

    def _compute_job_id(self):
        jobs = self.env["spm.job"].sudo().search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        latest = {}
        for job in jobs.sorted("id"):
            latest[job.res_id] = job
        for record in self:
            job = latest.get(record.id, jobs.browse())
            record.job_id = job
            record.job_state = job.state
            record.job_progress = job.progress

    def _running_job(self):
        self.ensure_one()
        return (
            self.env["spm.job"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "=", self.id), ("state", "in", ("queued", "running"))],
                limit=1,
            )
        )

    def _queue_job(self, name, step, total):
        """Queue ``step`` (a private method taking the job, returning (done, total)) on this record,
        unless one is already queued; wake the scheduled action up. Returns the job."""
        self.ensure_one()
        job = self._running_job()
        if not job:
            job = (
                self.env["spm.job"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "res_model": self._name,
                        "res_id": self.id,
                        "step": step,
                        "total": total,
                        "user_id": self.env.uid,
                        "company_id": self.env.company.id,
                    }
                )
            )
        self.env.ref("spm_addon.ir_cron_spm_jobs").sudo()._trigger()
        return job

    def _finish_jobs(self):
        """Run to the end the jobs these records have queued (scripts only: demo data, benchmarks)."""
        for record in self:
            job = record._running_job()
            if job and job._run_to_end() == "failed":
                raise RuntimeError(job.error)
        return True

    def _job_notification(self, job):
        """What a button answers when it queued ``job``: a notification, then the form reloads."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": job.name,
                "message": self.env._(
                    "Runs in the background (%(total)s to do): the progress shows on this form and you are "
                    "notified when it ends.",
                    total=job.total,
                ),
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
