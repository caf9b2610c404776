import logging
import traceback

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

STATES = [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")]
# concurrency errors (more likely with several servers): the batch is tried again in a new transaction
RETRYABLE = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, pg_errors.LockNotAvailable)
MAX_RETRIES = 3
EXPORT_STEP = "_job_export_xlsx"


class SpmJob(models.Model):
    """Long work of the addon (allocating a cascade, starting a campaign, computing a payout run at
    scale) done in the background, a batch at a time, by the scheduled action *Sales Performance:
    background jobs*: each batch commits, reports its progress (Odoo's cron progress) and the next
    batch continues from what the database holds, so a crash loses one batch at most and a rerun
    does not repeat what was done. The person who started it is told when it ends.

    Jobs are created by the server only, after the button that queues them checked the caller."""

    _name = "spm.job"
    _description = "Background Job"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", required=True, readonly=True)
    step = fields.Char(required=True, readonly=True, help="The private method run for each batch.")
    state = fields.Selection(STATES, default="queued", required=True, readonly=True, index=True)
    done = fields.Integer(readonly=True)
    total = fields.Integer(readonly=True)
    progress = fields.Float(string="Progress (%)", compute="_compute_progress", digits=(16, 0))
    user_id = fields.Many2one("res.users", string="Started By", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    error = fields.Text(readonly=True)
    error_traceback = fields.Text(
        string="Traceback", readonly=True, groups="spm_addon.group_spm_admin",
        help="Where the last failed batch failed, for whoever maintains the server.",
    )  # fmt: skip
    retries = fields.Integer(
        readonly=True, help="Batches tried again after a concurrency error (serialization failure, lock timeout)."
    )
    date_done = fields.Datetime(string="Ended On", readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True, help="What an export made.")

    def init(self):
        # one open job per record (exports: per record and person), even when two servers queue the same
        # work at the same moment: the second insert fails and _queue returns the first job
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS spm_job_one_open
                   ON spm_job (res_model, res_id, (CASE WHEN step = %s THEN user_id ELSE 0 END))
                WHERE state IN ('queued', 'running')""",
            [EXPORT_STEP],
        )

    @api.depends("done", "total")
    def _compute_progress(self):
        for job in self:
            job.progress = min(100.0, job.done * 100.0 / job.total) if job.total else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise UserError(self.env._("Background jobs are started by the addon's buttons only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("Background jobs are run by the addon only."))
        return super().write(vals)

    @api.model
    def _queue(self, record, name, step, total, running=None):
        """Queue ``step`` (a private method of ``record`` taking the job, returning (done, total)) on a
        record of any model: a company for work that belongs to no document. Unless ``running``, a job
        already queued or running for it (by default: the same step on the record); wakes the scheduled
        action up. Server code: the caller checked the user's rights. Returns the job."""
        Job = self.sudo()
        if running is None:
            running = Job.search(
                [("res_model", "=", record._name), ("res_id", "=", record.id), ("step", "=", step),
                 ("state", "in", ("queued", "running"))],
                limit=1,
            )  # fmt: skip
        job = running
        if not job:
            vals = {"name": name, "res_model": record._name, "res_id": record.id, "step": step, "total": total,
                    "user_id": self.env.uid, "company_id": self.env.company.id}  # fmt: skip
            try:
                with self.env.cr.savepoint():
                    job = Job.create(vals)
            except pg_errors.UniqueViolation:  # queued by another server meanwhile: that one is the job
                job = Job.search(
                    [("res_model", "=", record._name), ("res_id", "=", record.id),
                     ("state", "in", ("queued", "running"))],
                    limit=1,
                )  # fmt: skip
        job._wake()
        return job

    def _wake(self):
        for lane in ("spm_addon.ir_cron_spm_jobs", "spm_addon.ir_cron_spm_jobs_lane2"):
            cron = self.env.ref(lane, raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()

    @api.model
    def _cron_run(self):
        """One batch of the oldest unfinished job; Odoo's cron calls again while work remains."""
        # the oldest open job that no other worker is running: each worker (cron thread or server) takes
        # its own, and holds it until its batch commits
        self.env.cr.execute(
            "SELECT id FROM spm_job WHERE state IN ('queued', 'running') ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
        )
        job = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        if not job:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return True
        job._run_batch()
        left = self.sudo().search([("state", "in", ("queued", "running"))])
        remaining = sum(max(j.total - j.done, 1) for j in left)
        self.env["ir.cron"]._notify_progress(done=max(job.done, 1), remaining=remaining)
        return True

    def _run_batch(self):
        """Run one batch of this job as the person who started it (their audit columns and their
        language: what it writes and says reads as if they had waited for it), with the rights the
        button checked when it queued the job."""
        self.ensure_one()
        record = self.env[self.res_model].with_user(self.user_id).sudo().browse(self.res_id)
        record = record.with_company(self.company_id).with_context(lang=self.user_id.lang or self.env.lang)
        _ = record.env._
        self.state = "running"
        try:
            with self.env.cr.savepoint():
                done, total = getattr(record, self.step)(self)
        except RETRYABLE as error:
            if self.retries < MAX_RETRIES:  # the next call of the scheduled action tries again, afresh
                _logger.warning("spm.job %s (%s): %s; tried again", self.id, self.name, error)
                self.write({"retries": self.retries + 1, "error": str(error)})
                return
            self._fail(record, error)
            return
        except Exception as error:  # any error of a batch fails its job, its traceback kept
            self._fail(record, error)
            return
        self.write({"done": done, "total": total, "error": False})
        if done >= total:
            self.write({"state": "done", "date_done": fields.Datetime.now()})
            self._tell(record, _("%(job)s is done (%(count)s).", job=self.name, count=total))

    def _fail(self, record, error):
        _logger.exception("spm.job %s (%s) failed", self.id, self.name)
        self.write(
            {"state": "failed", "error": str(error), "error_traceback": traceback.format_exc(),
             "date_done": fields.Datetime.now()}
        )  # fmt: skip
        self._tell(record, record.env._("%(job)s failed: %(error)s", job=self.name, error=error))

    def action_retry(self):
        """Run failed jobs again from where they stopped (each batch continues from what the database
        holds, so what was done is not done twice). Administrators only."""
        if not self.env.user.has_group("spm_addon.group_spm_admin"):
            raise AccessError(self.env._("Only a Sales Performance administrator can retry a background job."))
        failed = self.sudo().filtered(lambda job: job.state == "failed")
        for job in failed:
            if job._open_twin():
                raise UserError(
                    self.env._("%(job)s cannot be retried: the same work is queued or running again.", job=job.name)
                )
        failed.write({"state": "queued", "error": False, "error_traceback": False, "retries": 0, "date_done": False})
        failed[:1]._wake()
        return True

    def _open_twin(self):
        """A queued or running job of the same work as this one."""
        self.ensure_one()
        domain = [("res_model", "=", self.res_model), ("res_id", "=", self.res_id), ("id", "!=", self.id),
                  ("state", "in", ("queued", "running"))]  # fmt: skip
        domain += (
            [("step", "=", EXPORT_STEP), ("user_id", "=", self.user_id.id)]
            if self.step == EXPORT_STEP
            else [("step", "!=", EXPORT_STEP)]
        )
        return self.sudo().search(domain, limit=1)

    def _run_to_end(self):
        """Run the remaining batches one after the other in this transaction, for scripts (demo data,
        benchmarks) that need the result before going on. Returns the final state."""
        self.ensure_one()
        while self.state in ("queued", "running"):
            self._run_batch()
        return self.state

    def _tell(self, record, body):
        """Tell whoever started the job that it ended: in the record's chatter, or, for a file made for
        them (an export of what they may see), privately with a link to download it."""
        if self.attachment_id:
            link = Markup('<a href="/web/content/%s?download=true">%s</a>') % (
                self.attachment_id.id,
                self.attachment_id.name,
            )
            record.message_notify(
                partner_ids=self.user_id.partner_id.ids,
                body=Markup("%s<br/>%s") % (body, link),
                subject=self.name,
                record_name=record.display_name,
            )
        elif hasattr(record, "message_post"):
            record.message_post(body=body, partner_ids=self.user_id.partner_id.ids, subtype_xmlid="mail.mt_comment")
        else:  # a document without chatter (a company): a notification in their inbox
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=self.user_id.partner_id.ids,
                body=body,
                subject=self.name,
                model=record._name,
                res_id=record.id,
                record_name=record.display_name,
            )
