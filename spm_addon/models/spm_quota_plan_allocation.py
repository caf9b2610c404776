from collections import defaultdict

from odoo import models
from odoo.tools import SQL, format_amount, formatLang

from ..engine import allocation, periods
from ..tools import bulk
from .spm_job_mixin import BACKGROUND_ABOVE

TIME_SPLITS = {
    "none": (),
    "quarter": ("quarter",),
    "month": ("quarter", "month"),
    "week": ("quarter", "month", "week"),
}
# the columns an allocation writes: new lines (their ``id`` reserved from the sequence) and targets
LINE_COLUMNS = [
    "id", "plan_id", "company_id", "parent_id", "level", "depth", "team_id", "user_id", "categ_id", "period_type",
    "date_from", "date_to", "target", "history_amount", "capacity_weight", "is_pinned",
]  # fmt: skip
TARGET_COLUMNS = {"target": "numeric", "history_amount": "numeric"}


class SpmQuotaPlan(models.Model):
    """Allocation: the cascade company > team > salesperson (> category) > periods built from the plan's
    teams, the company target split down the tree, every line written through the addon's bulk writer
    (COPY and UPDATE when nothing is configured on targets, the ORM in batches otherwise). A large
    cascade is allocated by a background job, a batch of lines per step."""

    _inherit = "spm.quota.plan"

    def _run_allocate(self):
        """Allocate now, or queue a background job when the cascade has more than BACKGROUND_ABOVE lines."""
        self.ensure_one()
        size = self._cascade_size()
        if size > BACKGROUND_ABOVE:
            job = self._running_job()
            if job and job.step != "_job_allocate":
                self._check_no_job()
            job = self._queue_job(self.env._("Allocation of %(plan)s", plan=self.name), "_job_allocate", size)
            return self._job_notification(job)
        self._allocate()
        return True

    def _job_allocate(self, job):
        return self._checked_progress(job, *self._allocation_step())

    def _allocate(self):
        """Allocate the whole cascade in this transaction, a step after the other (scripts, small plans)."""
        self._run_steps(self._allocation_step)

    def _allocation_step(self):
        """One step of the allocation: build the cascade, split the company target down to every line,
        then write what differs from the database - first the targets of existing lines that moved, then
        the missing lines, parents before children. When something configured sends the writes through
        the ORM, a step writes what ``write_in_steps`` lets it (one kind of write per step); else it
        writes everything.

        Returns (done, total): lines written and right over lines of the cascade. Idempotent: a step
        after a crash recomputes the same split and writes only what is still missing or different."""
        self.ensure_one()
        Line = self.env["spm.quota.line"]
        rows = self._allocated_rows()
        unit = self.currency_id.rounding
        changed = [
            row
            for row in rows
            if not row["new"]
            and (
                bulk.moved(row["target"], row["stored_target"], unit)
                or bulk.moved(row["history"], row["stored_history"], unit)
            )
        ]
        new = [row for row in rows if row["new"]]
        orm = False
        if changed:
            orm = bool(bulk.orm_reasons(Line, list(TARGET_COLUMNS)))
            changed = changed[bulk.write_in_steps(changed, self._store_targets, orm) :]
        if new and not changed and not orm:
            orm = bool(bulk.orm_reasons(Line, LINE_COLUMNS[1:], create=True, containers={"plan_id": self.ids}))
            created = {}
            new = new[bulk.write_in_steps(new, lambda chunk: self._insert_lines(chunk, created), orm) :]
        pending = len(changed) + len(new)
        if not pending:
            root = next(row for row in rows if not row["parent_id"])
            # in the words of whoever allocates (a background job runs as the person who started it)
            local = self.with_context(lang=self.env.user.lang or self.env.lang)
            self.message_post(
                body=local.env._(
                    "Targets allocated: %(total)s over %(count)s lines (%(method)s).",
                    total=format_amount(local.env, root["target"], self.currency_id),
                    count=formatLang(local.env, len(rows), digits=0),
                    method=dict(self._fields["allocation_method"]._description_selection(local.env))[
                        self.allocation_method
                    ],
                )
            )
        return len(rows) - pending, len(rows)

    def _rollup(self):
        """Set each parent's target to the sum of its split, deepest first, and the company target to
        the top line's (server code: the caller checked the administrator)."""
        self.ensure_one()
        lines = self.line_ids.sudo()
        for depth in sorted(set(lines.mapped("depth")), reverse=True)[1:]:
            for parent in lines.filtered(lambda rec, depth=depth: rec.depth == depth and rec.child_ids):
                parent.target = sum(parent.child_ids.mapped("target"))
        if self.root_line_id:
            self.target_amount = self.root_line_id.target

    def _history_period(self):
        self.ensure_one()
        if self.history_basis == "trailing":
            return periods.trailing_twelve_months(self.date_from)
        return periods.same_period_last_year(self.date_from, self.date_to)

    def _cascade_size(self):
        """How many lines the cascade of the plan has, counted without building it."""
        self.ensure_one()
        people = sum(len(users) for users in self._team_members().values())
        categs = len(self.categ_ids) if self.split_by_category else 0
        leaves = people * categs if categs else people
        per_leaf, spans = 0, [(self.date_from, self.date_to)]
        for unit in TIME_SPLITS[self.time_split]:
            spans = [part for start, end in spans for part in periods.split_period(start, end, unit)]
            per_leaf += len(spans)
        return 1 + len(self.team_ids) + people + (leaves if categs else 0) + leaves * per_leaf

    def _fetch_lines(self, fnames):
        """The plan's lines as plain dicts, read in one query (many2one columns as ids or None)."""
        self.ensure_one()
        self.env["spm.quota.line"].flush_model()
        columns = SQL(", ").join(SQL.identifier(fname) for fname in ("id", *fnames))
        rows = self.env.execute_query_dict(
            SQL("SELECT %s FROM spm_quota_line WHERE plan_id = %s ORDER BY depth, id", columns, self.id)
        )
        for row in rows:
            for fname in ("target", "capacity_weight", "history_amount"):
                if fname in row:
                    row[fname] = float(row[fname] or 0.0)
        return rows

    @staticmethod
    def _line_key(parent_id, vals):
        return (
            parent_id or None,
            vals["level"],
            vals.get("team_id") or None,
            vals.get("user_id") or None,
            vals.get("categ_id") or None,
            vals["period_type"],
            vals["date_from"],
        )

    def _cascade_rows(self):
        """Every line of the cascade as a dict: the existing ones read from the database (with their
        stored target and history), then the missing ones (new teams, salespeople, categories, periods)
        flagged ``new``, parents before children, with negative ids that their children point to until
        they are written. Nothing is written."""
        self.ensure_one()
        fnames = ["parent_id", "level", "depth", "team_id", "user_id", "categ_id", "period_type", "date_from",
                  "date_to", "target", "history_amount", "capacity_weight", "is_pinned"]  # fmt: skip
        rows = self._fetch_lines(fnames)
        for row in rows:
            row.update(new=False, stored_target=row["target"], stored_history=row.pop("history_amount"))
        by_key = {self._line_key(row["parent_id"], row): row for row in rows}
        count = len(by_key)

        def ensure(specs):
            """specs: list of (parent_id, vals); returns the rows in the same order."""
            nonlocal count
            result = []
            for parent_id, vals in specs:
                key = self._line_key(parent_id, vals)
                if key not in by_key:
                    count += 1
                    by_key[key] = {
                        "id": -count,
                        "parent_id": parent_id,
                        "team_id": None,
                        "user_id": None,
                        "categ_id": None,
                        "target": 0.0,
                        "capacity_weight": 1.0,
                        "is_pinned": False,
                        "new": True,
                        **vals,
                    }
                result.append(by_key[key])
            return result

        base = {"date_from": self.date_from, "date_to": self.date_to, "period_type": "plan"}
        [root] = ensure([(None, {**base, "level": "company", "depth": 0})])
        teams = self.team_ids.sorted("id")
        team_rows = ensure([(root["id"], {**base, "level": "team", "team_id": team.id, "depth": 1}) for team in teams])
        members = self._team_members()
        leaves = ensure(
            [
                (team_row["id"], {**base, "level": "user", "team_id": team.id, "user_id": user_id, "depth": 2})
                for team, team_row in zip(teams, team_rows, strict=True)
                for user_id in members.get(team.id, [])
            ]
        )
        if self.split_by_category and self.categ_ids:
            leaves = ensure(
                [
                    (
                        leaf["id"],
                        {
                            **base,
                            "level": "categ",
                            "team_id": leaf["team_id"],
                            "user_id": leaf["user_id"],
                            "categ_id": categ.id,
                            "depth": 3,
                        },
                    )
                    for leaf in leaves
                    for categ in self.categ_ids.sorted("id")
                ]
            )
        for unit in TIME_SPLITS[self.time_split]:
            leaves = ensure(
                [
                    (
                        leaf["id"],
                        {
                            "level": "period",
                            "period_type": unit,
                            "date_from": start,
                            "date_to": end,
                            "depth": leaf["depth"] + 1,
                            "team_id": leaf["team_id"],
                            "user_id": leaf["user_id"],
                            "categ_id": leaf["categ_id"],
                        },
                    )
                    for leaf in leaves
                    for start, end in periods.split_period(leaf["date_from"], leaf["date_to"], unit)
                ]
            )
        return list(by_key.values())

    def _allocated_rows(self):
        """The cascade (``_cascade_rows``) with its history and the company target split down to every
        line: ``target`` and ``history`` of each row as the allocation sets them. The company line comes
        first. With a history allocation and no company target, the target is suggested (and set on
        the plan) from history and growth."""
        self.ensure_one()
        rows = self._cascade_rows()
        children = defaultdict(list)
        for row in sorted(rows, key=lambda rec: rec["depth"]):  # stable: existing lines by id, then new ones
            children[row["parent_id"]].append(row)
        hist_from, hist_to = self._history_period()
        offset = self.date_from - hist_from
        history = self._figure_index(hist_from, hist_to)
        company = history(None)
        for row in rows:
            row["history"] = self._bucket_total(history, row, offset)
            if row["level"] == "period":
                row["company_history"] = company.total(row["date_from"] - offset, row["date_to"] - offset)
        root = children[None][0]
        if self.allocation_method == "history" and not self.target_amount:
            self.target_amount = self.currency_id.round(root["history"] * (1 + self.growth_rate / 100.0))
        if self.allocation_method != "manual" or not root["target"]:
            root["target"] = self.target_amount
        digits = self.currency_id.decimal_places
        method, seasonal = self.allocation_method, self.use_seasonality
        stack = [root]
        while stack:
            parent = stack.pop()
            kids = children.get(parent["id"], [])
            if kids:
                self._split(parent, kids, children, digits, method, seasonal)
                stack.extend(kids)
        return rows

    @staticmethod
    def _split(parent, kids, children, digits, method, seasonal):
        """Set the targets of ``kids`` so that they sum to ``parent``'s target, by the plan's allocation
        ``method``; periods in proportion to their history when ``seasonal``."""
        pinned = [kid for kid in kids if kid["is_pinned"]]
        free = [kid for kid in kids if not kid["is_pinned"]]
        if not free:
            return
        level = free[0]["level"]
        if level in ("team", "user") and method == "manual":
            return
        if level == "period":
            use_history = seasonal
        else:
            use_history = method == "history" or level == "categ"
        if use_history and level == "period" and min(kid["history"] for kid in free) <= 0:
            # a period without history of its own (a new hire, a gap): the company's seasonality
            weights = [kid["company_history"] for kid in free]
        elif use_history:
            weights = [kid["history"] for kid in free]
        elif method == "capacity" and level == "team":
            weights = [
                sum(c["capacity_weight"] for c in children.get(kid["id"], [])) or kid["capacity_weight"] for kid in free
            ]
        elif method == "capacity" and level == "user":
            weights = [kid["capacity_weight"] for kid in free]
        else:
            weights = [1.0] * len(free)
        if use_history:
            weights = allocation.seasonal_weights(weights) if level == "period" else allocation.history_weights(weights)
        rest = max(parent["target"] - sum(kid["target"] for kid in pinned), 0.0)
        for kid, part in zip(free, allocation.largest_remainder(rest, weights, digits), strict=True):
            kid["target"] = part

    def _insert_lines(self, rows, created):
        """Create the new lines ``rows`` (parents before children; a parent is an existing line, one of
        ``rows`` or one of ``created``, {temporary id: id} of the rows an earlier call of the same step
        created, which this call completes) through the bulk writer: one COPY when nothing is configured
        on targets, else the ORM, a generation of the tree at a time. The per-record checks of
        ``create`` hold by construction (members of their team, dates inside the plan), and run on the
        ORM path."""
        if not rows:
            return
        reserved = bulk.reserve_ids(self.env.cr, "spm_quota_line", len(rows))
        ids = dict(zip((row["id"] for row in rows), reserved, strict=True))
        parents = {**created, **ids}
        plan, company, null = self.id, self.company_id.id, bulk.NULL
        real = bulk.insert(
            self.env["spm.quota.line"],
            LINE_COLUMNS,
            [
                (
                    ids[row["id"]], plan, company, parents.get(row["parent_id"], row["parent_id"]) or null,
                    row["level"], row["depth"], row["team_id"] or null, row["user_id"] or null,
                    row["categ_id"] or null, row["period_type"], row["date_from"], row["date_to"],
                    round(row["target"], 6), round(row["history"], 6), 1.0, "f",
                )
                for row in rows
            ],
            parent="parent_id",
            formatted=True,
        )  # fmt: skip
        created.update((temporary, real[line_id]) for temporary, line_id in ids.items())

    def _store_targets(self, rows):
        """Write the target and history of existing lines through the bulk writer: one UPDATE, or the ORM
        when something is configured (a tracked target in the chatter, automation rules, computed fields
        of an administrator)."""
        bulk.update(
            self.env["spm.quota.line"],
            TARGET_COLUMNS,
            [(row["id"], round(row["target"], 6), round(row["history"], 6)) for row in rows],
            formatted=True,
        )
