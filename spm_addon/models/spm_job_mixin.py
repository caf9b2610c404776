from odoo import fields, models

from ..tools import xlsx
from .spm_job import EXPORT_STEP, STATES

# Above this many records a long operation is queued as a background job instead of running in the
# web request (at bench scale every long operation of the addon exceeds it).
BACKGROUND_ABOVE = 2000
# An xlsx export of more rows than this is made in the background and handed over when ready.
EXPORT_BACKGROUND_ABOVE = 20_000


class SpmJobMixin(models.AbstractModel):
    """A record whose long operations run as background jobs (spm.job) and show their progress."""

    _name = "spm.job.mixin"
    _description = "Record with Background Jobs"

    job_id = fields.Many2one("spm.job", string="Background Job", compute="_compute_job_id")
    job_state = fields.Selection(STATES, string="Job Status", compute="_compute_job_id")
    job_progress = fields.Float(compute="_compute_job_id")

    def _compute_job_id(self):
        jobs = (
            self.env["spm.job"]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids), ("step", "!=", EXPORT_STEP)])
        )
        latest = {}
        for job in jobs.sorted("id"):
            latest[job.res_id] = job
        for record in self:
            job = latest.get(record.id, jobs.browse())
            record.job_id = job
            record.job_state = job.state
            record.job_progress = job.progress

    def _running_job(self, step=None):
        """The record's queued or running job (its exports aside; ``step``: only a job of that step,
        of the current user)."""
        self.ensure_one()
        domain = [("res_model", "=", self._name), ("res_id", "=", self.id), ("state", "in", ("queued", "running"))]
        if step:
            domain += [("step", "=", step), ("user_id", "=", self.env.uid)]
        else:
            domain.append(("step", "!=", EXPORT_STEP))
        return self.env["spm.job"].sudo().search(domain, limit=1)

    def _queue_job(self, name, step, total):
        """Queue ``step`` (a private method taking the job, returning (done, total)) on this record,
        unless one is already queued; wake the scheduled action up. Returns the job."""
        self.ensure_one()
        running = self._running_job(step if step == EXPORT_STEP else None)
        return self.env["spm.job"]._queue(self, name, step, total, running=running)

    def _finish_jobs(self):
        """Run to the end the jobs these records have queued (scripts only: demo data, benchmarks)."""
        for record in self:
            job = record._running_job()
            if job and job._run_to_end() == "failed":
                raise RuntimeError(job.error)
        return True

    def _job_notification(self, job):
        """What a button answers when it queued ``job``: a notification, then the form reloads."""
        message = self.env._(
            "Runs in the background (%(total)s to do): the progress shows on this form and you are "
            "notified when it ends.",
            total=job.total,
        )
        return _notification(job.name, message, reload=True)

    def _download_xlsx(self, rows):
        """The button's answer to an export of ``rows`` rows: the workbook at once, or for a large one a
        background job that hands it over when it is ready (the web request never waits for it).
        The record's ``_export_xlsx()`` reads as the user asks (their access rights), and
        ``_export_filename()`` names the file."""
        self.ensure_one()
        if rows <= EXPORT_BACKGROUND_ABOVE:
            return xlsx.download_action(self, self._export_filename(), self._export_xlsx())
        job = self._queue_job(self.env._("Export of %(name)s", name=self.display_name), EXPORT_STEP, 1)
        message = self.env._(
            "%(rows)s rows: the workbook is made in the background. You are notified with a link to "
            "download it when it is ready (also under Configuration > Background Jobs).",
            rows=rows,
        )
        return _notification(job.name, message)

    def _job_export_xlsx(self, job):
        """The background step of a large export: the workbook made with the rights of whoever asked
        (not the job's superuser), stored on the job, where only they (and administrators) read it."""
        content = self.sudo(False)._export_xlsx()
        job.attachment_id = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self._export_filename(),
                    "raw": content,
                    "res_model": job._name,
                    "res_id": job.id,
                    "mimetype": xlsx.XLSX_MIMETYPE,
                }
            )
        )
        return 1, 1


def _notification(title, message, reload=False):
    """A button's answer that tells the user something (and reloads the form they are on)."""
    params = {"title": title, "message": message, "type": "info"}
    if reload:
        params["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
