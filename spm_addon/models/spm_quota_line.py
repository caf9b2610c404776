import ast
from collections import defaultdict
from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import allocation, pacing, periods
from ..tools import access, ratios

LEVELS = [
    ("company", "Company"),
    ("team", "Sales Team"),
    ("user", "Salesperson"),
    ("categ", "Product Category"),
    ("period", "Period"),
]
PERIOD_TYPES = [("plan", "Whole Plan"), ("quarter", "Quarter"), ("month", "Month"), ("week", "Week")]
FIGURE_COLUMNS = {  # written by the plan's refresh, through the bulk writer (tools/bulk.py)
    "actual_amount": "numeric",
    "attainment": "numeric",
    "expected_amount": "numeric",
    "pace": "numeric",
    "projected_amount": "numeric",
    "gap_amount": "numeric",
}
# written only by server code (allocation, refresh), never by a client, whatever the plan's state
SERVER_FIELDS = {*FIGURE_COLUMNS, "history_amount", "depth"}
# notes of an administrator's own (Properties): they change no target, whatever the plan's state
FREE_FIELDS = {"properties"}
# the shape of the cascade: set by the allocation, changed by hand by administrators only
STRUCTURE_FIELDS = {
    "plan_id",
    "parent_id",
    "level",
    "team_id",
    "user_id",
    "categ_id",
    "period_type",
    "date_from",
    "date_to",
}


class SpmQuotaLine(models.Model):
    """One target of a quota plan: a node of the cascade company > team > salesperson > period."""

    _name = "spm.quota.line"
    _inherit = ["mail.thread", "mail.activity.mixin", "spm.period.mixin"]
    _description = "Quota Line"
    _order = "plan_id, depth, date_from, id"
    _rec_names_search = ["team_id", "user_id", "categ_id"]
    _check_company_auto = True
    # a group's attainment and pace: its actuals over its targets (resp. expected to date), in %
    _GROUP_RATIOS = {
        "attainment": ("actual_amount", "target", 100.0),
        "pace": ("actual_amount", "expected_amount", 100.0),
    }

    plan_id = fields.Many2one("spm.quota.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    measure_id = fields.Many2one(related="plan_id.measure_id")
    state = fields.Selection(related="plan_id.state")
    parent_id = fields.Many2one(
        "spm.quota.line", string="Parent Target", ondelete="cascade", index=True, check_company=True
    )
    child_ids = fields.One2many("spm.quota.line", "parent_id", string="Split")
    org_child_ids = fields.One2many(
        "spm.quota.line", compute="_compute_org_child_ids", string="Cascade", help="The split without the periods."
    )
    level = fields.Selection(LEVELS, required=True, default="period")
    depth = fields.Integer(readonly=True, aggregator=None)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, check_company=True)
    categ_id = fields.Many2one("product.category", string="Product Category", index=True)
    period_type = fields.Selection(PERIOD_TYPES, required=True, default="plan")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    target = fields.Monetary(currency_field="currency_id", tracking=True, help="The quota to reach over the period.")
    capacity_weight = fields.Float(
        default=1.0,
        digits=(16, 2),
        aggregator=None,
        help="Relative capacity of a salesperson or team, used by capacity allocation "
        "(e.g. 1.0 for an experienced rep, 0.5 for a new hire ramping up).",
    )
    is_pinned = fields.Boolean(
        string="Pinned",
        help="Rebalancing and allocation leave a pinned target as it is.",
    )
    history_amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="The history the allocation was based on.",
    )
    children_total = fields.Monetary(
        string="Split Total",
        compute="_compute_children_total",
        currency_field="currency_id",
        help="Sum of the whole split, also of the targets you may not see.",
    )
    balance_gap = fields.Monetary(
        compute="_compute_children_total",
        currency_field="currency_id",
        search="_search_balance_gap",
        help="Sum of the split minus this target: zero when the tree is consistent.",
    )
    actual_amount = fields.Float(string="Actual", readonly=True, digits=(16, 2))
    # grouped, attainment and pace are ratios of the group's sums (see _read_group_select), never averages
    attainment = fields.Float(string="Attainment (%)", readonly=True, digits=(16, 1), aggregator="avg")
    expected_amount = fields.Float(string="Expected to Date", readonly=True, digits=(16, 2))
    pace = fields.Float(string="Pace (%)", readonly=True, digits=(16, 1), aggregator="avg")
    projected_amount = fields.Float(string="Projected", readonly=True, digits=(16, 2))
    gap_amount = fields.Float(string="Projected Gap", readonly=True, digits=(16, 2))
    pace_threshold = fields.Float(related="plan_id.pace_threshold")
    is_behind = fields.Boolean(
        string="Behind",
        compute="_compute_is_behind",
        search="_search_is_behind",
        help="Pace below the plan's alert threshold, once the plan's share of the period has elapsed.",
    )
    period_label = fields.Char(
        string="Period",
        compute="_compute_period_label",
        help="The period of this target: its month or quarter, or the plan's whole period.",
    )
    refresh_date = fields.Datetime(related="plan_id.refresh_date")
    adjustment_ids = fields.One2many("spm.quota.adjustment", "line_id", string="Adjustments")
    adjustment_count = fields.Integer(compute="_compute_adjustment_count")
    properties = fields.Properties(
        definition="plan_id.line_properties_definition",
        copy=True,
        help="Fields of your own, defined on the quota plan by an administrator.",
    )

    _sql_constraints = [
        ("weight_positive", "CHECK(capacity_weight >= 0)", "A capacity weight cannot be negative."),
    ]

    def init(self):
        # figures and targets are rewritten in bulk, every line of a plan at once: with half of each page
        # free, PostgreSQL can keep every new row version on its page and skip the seven indexes (HOT).
        # Measured at bench scale: attainment of 171,019 lines 7.0 s at fillfactor 70, 5.7 s at 45.
        self.env.cr.execute("ALTER TABLE spm_quota_line SET (fillfactor = 45)")

    @api.depends("child_ids.level")
    def _compute_org_child_ids(self):
        for line in self:
            line.org_child_ids = line.child_ids.filtered(lambda child: child.level != "period")

    @api.depends("level", "team_id", "user_id", "categ_id", "period_type", "date_from")
    def _compute_display_name(self):
        for line in self:
            if line.level == "period":
                line.display_name = self._period_label(line.period_type, line.date_from)
            elif line.level == "company":
                line.display_name = line.plan_id.company_id.name or line.plan_id.name
            else:
                record = {"team": line.team_id, "user": line.user_id, "categ": line.categ_id}[line.level]
                line.display_name = record.display_name

    @api.depends("period_type", "date_from", "date_to")
    def _compute_period_label(self):
        for line in self:
            if line.period_type in ("quarter", "month", "week"):
                line.period_label = self._period_label(line.period_type, line.date_from)
            elif not line.date_from or not line.date_to:
                line.period_label = ""
            elif (line.date_from, line.date_to) == (date(line.date_from.year, 1, 1), date(line.date_from.year, 12, 31)):
                line.period_label = str(line.date_from.year)
            else:
                line.period_label = f"{line.date_from.isoformat()} – {line.date_to.isoformat()}"

    def _compute_is_behind(self):
        behind = self._filter_behind(fields.Date.context_today(self))
        for line in self:
            line.is_behind = line in behind

    def _search_is_behind(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search targets that are behind with = True or = False."))
        # candidates in one query (pace below their plan's threshold), then the rule itself on them
        self.env["spm.quota.line"].flush_model(["pace", "expected_amount", "plan_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT l.id FROM spm_quota_line l JOIN spm_quota_plan p ON p.id = l.plan_id "
                "WHERE l.expected_amount > 0 AND l.pace < p.pace_threshold"
            )
        )
        behind = self.browse([row[0] for row in rows])._filter_behind(fields.Date.context_today(self))
        return [("id", "in" if (operator == "=") == value else "not in", behind.ids)]

    def _filter_behind(self, today):
        """The targets behind on ``today``: pace below their plan's alert threshold, once their plan's
        share of the period has elapsed (the overview's *Who is behind* and the pace alerts agree)."""
        return self.filtered(
            lambda line: line.expected_amount > 0
            and pacing.is_behind(
                line.pace,
                line.plan_id.pace_threshold,
                periods.elapsed_fraction(line.date_from, line.date_to, today, by="calendar_days"),
                line.plan_id.pace_alert_after,
            )
        )

    @api.model
    def _period_label(self, period_type, day):
        if not day:
            return ""
        if period_type == "quarter":
            return f"{day.year} Q{(day.month - 1) // 3 + 1}"
        if period_type == "month":
            return f"{day.year}-{day.month:02d}"
        if period_type == "week":
            return self.env._("Week of %(date)s", date=day.isoformat())
        return str(day.year)

    @api.depends("child_ids.target", "target")
    def _compute_children_total(self):
        # the tree's consistency is a property of the line: summed over every child, also those the
        # current user may not read (a manager sees the company line and their own team only)
        totals = {
            parent.id: total
            for parent, total in self.sudo()._read_group([("parent_id", "in", self.ids)], ["parent_id"], ["target:sum"])
        }
        for line in self:
            if line.id:
                has_children, total = line.id in totals, totals.get(line.id, 0.0)
            else:
                children = line.sudo().child_ids
                has_children, total = bool(children), sum(children.mapped("target"))
            line.children_total = total
            line.balance_gap = line.currency_id.round(total - line.target) if has_children else 0.0

    def _search_balance_gap(self, operator, value):
        if operator not in ("!=", "=") or value not in (0, 0.0, False):
            raise UserError(self.env._("Only 'is zero' and 'is not zero' are supported on the balance gap."))
        rows = self.env.execute_query(
            SQL(
                """SELECT p.id FROM spm_quota_line p JOIN spm_quota_line c ON c.parent_id = p.id
               GROUP BY p.id HAVING ROUND(SUM(c.target), 2) != ROUND(MAX(p.target), 2)"""
            )
        )
        ids = [row[0] for row in rows]
        return [("id", "in" if operator == "!=" else "not in", ids)]

    def _compute_adjustment_count(self):
        counts = dict(
            self.env["spm.quota.adjustment"]._read_group(
                [("line_id", "in", self.ids)],
                ["line_id"],
                ["__count"],
            )
        )
        for line in self:
            line.adjustment_count = counts.get(line, 0)

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        return ratios.select(self, self._GROUP_RATIOS, aggregate_spec, query) or super()._read_group_select(
            aggregate_spec, query
        )

    @api.model
    def action_open_analysis(self, xml_id="spm_addon.spm_quota_line_action_analysis"):
        """The attainment analysis (or ``xml_id``, another of the plan's reports) on one plan, the
        latest running one the user reads: plans count different measures (revenue, invoices, won
        deals), and their sums mean nothing together."""
        if xml_id not in (
            "spm_addon.spm_quota_line_action_analysis",
            "spm_addon.spm_quota_report_action",
            "spm_addon.spm_attainment_report_action",
        ):
            raise UserError(self.env._("This is not an analysis of targets: %(action)s.", action=xml_id))
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        plan = self.env["spm.quota.plan"].search(
            [("state", "in", ("active", "locked")), ("line_ids", "!=", False)], order="date_from desc, id desc", limit=1
        )
        if plan:
            action["context"] = {**ast.literal_eval(action["context"]), "search_default_plan_id": plan.id}
        return action

    def _period_container(self):
        return self.plan_id

    @api.constrains("target")
    def _check_target(self):
        for line in self:
            if line.target < 0:
                raise ValidationError(
                    self.env._(
                        "The target of %(line)s cannot be negative (%(target)s).",
                        line=line.display_name,
                        target=line.target,
                    )
                )

    @api.constrains("user_id", "parent_id", "level")
    def _check_user_in_team(self):
        for line in self.filtered(lambda rec: rec.level == "user" and rec.team_id):
            members = line.team_id.with_context(active_test=False).member_ids
            if line.user_id not in members and line.user_id != line.team_id.user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a member of the sales team %(team)s: add them to the team first.",
                        user=line.user_id.name,
                        team=line.team_id.name,
                    )
                )

    def _check_strict(self):
        """In a strict plan a split may not total more than its parent (checked once the tree is
        consistent again, after propagation, over every child whoever changed the target)."""
        lines = self.sudo()
        parents = (lines.parent_id | lines.filtered("child_ids")).filtered("plan_id.is_strict")
        for parent in parents:
            total = sum(parent.child_ids.mapped("target"))
            if parent.currency_id.compare_amounts(total, parent.target) > 0:
                raise ValidationError(
                    self.env._(
                        "Strict plan %(plan)s: the split of %(line)s totals %(total)s, more than its target "
                        "%(target)s.",
                        plan=parent.plan_id.name,
                        line=parent.display_name,
                        total=parent.currency_id.format(total),
                        target=parent.currency_id.format(parent.target),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["spm.quota.plan"].browse({vals.get("plan_id") for vals in vals_list})
        plans._check_editable()
        lines = super().create(vals_list)
        lines._check_strict()
        return lines

    def write(self, vals):
        """Server code (``sudo()``) writes as it is: the allocation, the propagation and the Adjust
        button's own writes. From a client: figures never; the structure of the cascade and the
        targets of a draft by administrators only; the targets of an active plan through Adjust only,
        then each change is propagated over the cascade and checked against a strict plan."""
        if self.env.su:
            if set(vals) - SERVER_FIELDS - FREE_FIELDS:
                self.plan_id._check_editable()
            return super().write(vals)
        self._check_client_write(vals)
        result = super().write(vals)
        if "target" in vals:
            self.sudo()._propagate_target_change()
            self._check_strict()
        return result

    def unlink(self):
        self.plan_id._check_editable()
        return super().unlink()

    def action_open_adjust(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust Target"),
            "res_model": "spm.quota.line.adjust",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id, "default_new_target": self.target},
        }

    def action_view_sources(self):
        self.ensure_one()
        domain = []
        measure = self.plan_id.measure_id.sudo()
        if self.user_id:
            domain += measure._owner_domain(self.user_id.ids)
        elif self.team_id and measure.team_field_id:
            domain.append((measure.team_field_id.name, "=", self.team_id.id))
        if self.categ_id and measure.categ_field_id:
            domain.append((measure.categ_field_id.name, "child_of", self.categ_id.id))
        return measure._source_action(self.date_from, self.date_to, domain)

    def action_view_adjustments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("spm_addon.spm_quota_adjustment_action")
        action["domain"] = [("line_id", "=", self.id)]
        return action

    def action_open_line(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _responsible_manager(self):
        """Who follows up a lagging target: the team leader, else the salesperson's manager, else the
        plan's responsible."""
        self.ensure_one()
        leader = self.team_id.user_id
        if leader and leader != self.user_id:
            return leader
        person = self.user_id or leader
        employee = person.employee_ids[:1]
        return employee.parent_id.user_id or self.plan_id.user_id or self.env.user

    def _check_client_write(self, vals):
        """Refuse what a user may not write on these lines, whatever the record rules let through."""
        server = sorted(SERVER_FIELDS & set(vals))
        if server:
            raise UserError(
                self.env._(
                    "%(fields)s of a target are computed by the server (allocation and Refresh Figures): "
                    "they cannot be written.",
                    fields=", ".join(self._fields[fname]._description_string(self.env) for fname in server),
                )
            )
        if not set(vals) - FREE_FIELDS:
            return
        self.plan_id._check_editable()
        if "target" in vals:
            active = self.filtered(lambda line: line.plan_id.state == "active")
            if active:
                raise UserError(
                    self.env._(
                        "The plan %(plan)s is active: change its targets with the Adjust button, which records "
                        "the reason and rebalances the cascade.",
                        plan=active[0].plan_id.name,
                    )
                )
            access.require(
                self.env,
                "admin",
                self.env._(
                    "Only a Sales Performance administrator sets the targets of a draft plan; once the plan "
                    "is active, managers change their teams' targets with the Adjust button."
                ),
            )
        if STRUCTURE_FIELDS & set(vals):
            access.require(
                self.env,
                "admin",
                self.env._(
                    "Only a Sales Performance administrator changes the cascade of a plan (its teams, "
                    "salespeople, categories and periods)."
                ),
            )

    def _apply_adjustment(self, new_target, reason):
        """Set this target to ``new_target`` as server code, the caller checked (see the Adjust wizard):
        propagate it over the cascade, record the change and every rebalanced sibling with ``reason``
        when the plan is active (the author is the real user: ``sudo()`` keeps it) and check a strict
        plan."""
        self.ensure_one()
        line = self.sudo()
        line.plan_id._check_editable()
        old_target = line.target
        line.target = new_target
        changes = line._propagate_target_change()
        if line.plan_id.state == "active":
            vals_list = []
            if line.currency_id.compare_amounts(old_target, line.target):
                vals_list.append(
                    {"line_id": line.id, "old_target": old_target, "new_target": line.target, "reason": reason}
                )
            vals_list += [
                {
                    "line_id": sibling.id,
                    "old_target": old,
                    "new_target": sibling.target,
                    "reason": self.env._("Rebalanced: %(reason)s", reason=reason),
                }
                for sibling, old in changes
                if sibling.level != "period"
            ]
            self.env["spm.quota.adjustment"].sudo().create(vals_list)
        line._check_strict()
        return True

    def _rebalanced_siblings(self):
        """The siblings a change of this target rebalances: none in plans that flag imbalances."""
        self.ensure_one()
        if self.plan_id.balance_mode != "rebalance" or not self.parent_id:
            return self.browse()
        siblings = self.sudo().parent_id.child_ids - self
        return siblings.filtered(lambda line: not line.is_pinned).with_env(self.env)

    def _propagate_target_change(self):
        """Keep the tree consistent after targets changed, in plans that rebalance: split each changed
        line's new target over its children in proportion to their current targets, then rebalance its
        siblings so that their parent keeps its target. Plans that flag leave the other lines as they are:
        the parent shows a balance gap. Returns the (line, old target) of every sibling changed.
        Server code: writes as superuser, the callers checked who asks."""
        lines = self.sudo().filtered(lambda rec: rec.plan_id.balance_mode == "rebalance")
        changes = []
        for line in lines:
            line._resplit_descendants()
        for line in lines.filtered("parent_id"):
            siblings = line.parent_id.child_ids - line
            free = siblings.filtered(lambda rec: not rec.is_pinned)
            if not free:
                continue
            rest = line.parent_id.target - line.target - sum((siblings - free).mapped("target"))
            if rest < 0:
                raise ValidationError(
                    self.env._(
                        "%(line)s cannot take %(target)s: its siblings would have to go below zero to keep "
                        "%(parent)s at %(parent_target)s. Lower the target or switch the plan to flagging "
                        "imbalances.",
                        line=line.display_name,
                        target=line.currency_id.format(line.target),
                        parent=line.parent_id.display_name,
                        parent_target=line.currency_id.format(line.parent_id.target),
                    )
                )
            parts = allocation.largest_remainder(
                rest,
                free.mapped("target"),
                line.currency_id.decimal_places,
            )
            for sibling, part in zip(free, parts, strict=True):
                if sibling.currency_id.compare_amounts(sibling.target, part):
                    changes.append((sibling, sibling.target))
                    sibling.target = part
                    sibling._resplit_descendants()
        return changes

    def _resplit_descendants(self):
        self.ensure_one()
        children = self.sudo().child_ids
        if not children:
            return
        pinned = children.filtered("is_pinned")
        free = children - pinned
        if not free:
            return
        rest = max(self.target - sum(pinned.mapped("target")), 0.0)
        parts = allocation.largest_remainder(rest, free.mapped("target"), self.currency_id.decimal_places)
        for child, part in zip(free, parts, strict=True):
            if child.currency_id.compare_amounts(child.target, part):
                child.target = part
                child._resplit_descendants()

    @api.model
    def _read_user_targets(self, measure, user_ids, date_from, date_to, company_ids=None):
        """{user id: target} of ``measure`` over [date_from, date_to]: the sum of each salesperson's
        finest quota lines inside the period, from active, locked or closed plans (one query)."""
        rows = self._query_leaf_lines(
            SQL("line.user_id, SUM(line.target)"),
            SQL("line.date_from >= %s AND line.date_to <= %s", date_from, date_to),
            measure, user_ids, company_ids, group=True,
        )  # fmt: skip
        return {user_id: float(total or 0.0) for user_id, total in rows}

    def _read_user_lines(self, measure, user_ids, date_from, date_to, company_ids=None):
        """{user id: [(date_from, date_to, target)]}: each salesperson's finest quota lines of ``measure``
        overlapping [date_from, date_to], from active, locked or closed plans (one query); to prorate
        with ``engine.attainment.prorated_target``."""
        rows = self._query_leaf_lines(
            SQL("line.user_id, line.date_from, line.date_to, line.target"),
            SQL("line.date_from <= %s AND line.date_to >= %s", date_to, date_from),
            measure, user_ids, company_ids,
        )  # fmt: skip
        lines = defaultdict(list)
        for user_id, line_from, line_to, target in rows:
            lines[user_id].append((line_from, line_to, float(target or 0.0)))
        return dict(lines)

    def _query_leaf_lines(self, columns, period, measure, user_ids, company_ids, group=False):
        """``columns`` of the salespeople's finest quota lines of ``measure`` whose dates meet ``period``,
        from active, locked or closed plans (of ``company_ids``, else any), grouped by salesperson if
        ``group``."""
        self.flush_model()
        self.env["spm.quota.plan"].flush_model()
        return self.env.execute_query(
            SQL(
                """
                SELECT %(columns)s
                  FROM spm_quota_line line
                  JOIN spm_quota_plan plan ON plan.id = line.plan_id
                 WHERE plan.measure_id = %(measure)s
                   AND plan.state IN ('active', 'locked', 'closed')
                   AND (%(no_company)s OR plan.company_id = ANY(%(companies)s))
                   AND line.user_id = ANY(%(users)s)
                   AND %(period)s
                   AND NOT EXISTS (SELECT 1 FROM spm_quota_line child WHERE child.parent_id = line.id)
                %(group)s
                """,
                columns=columns,
                measure=measure.id,
                no_company=not company_ids,
                companies=list(company_ids or []),
                users=list(user_ids),
                period=period,
                group=SQL("GROUP BY line.user_id") if group else SQL(),
            )
        )
