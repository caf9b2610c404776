from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

DATE_TYPES = ("date", "datetime")
NUMBER_TYPES = ("integer", "float", "monetary")


class SpmMeasure(models.Model):
    """What is counted: a model, its date, owner and value fields, and a domain.

    One grouped SQL query per measure and period returns the figure of every owner (and month, team
    or product category) at once; quotas, KPIs and commissions all read their actuals from here.
    """

    _name = "spm.measure"
    _description = "Performance Measure"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Technical key, unique per company, used in imports and reports.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one("res.company", help="Leave empty to share the measure between companies.")
    model_id = fields.Many2one(
        "ir.model",
        string="Source Model",
        required=True,
        ondelete="cascade",
        domain=[("transient", "=", False)],
    )
    model_name = fields.Char(related="model_id.model", string="Model Name")
    domain = fields.Char(default="[]", help="Only the records matching this filter are counted.")
    date_field_id = fields.Many2one(
        "ir.model.fields",
        string="Date Field",
        required=True,
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime')), ('store', '=', True)]",
    )
    user_field_id = fields.Many2one(
        "ir.model.fields",
        string="Salesperson Field",
        required=True,
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), "
        "('relation', 'in', ('res.users', 'hr.employee'))]",
        help="Who the figure belongs to: a user (salesperson) field, or an employee field whose employee's "
        "user is credited.",
    )
    team_field_id = fields.Many2one(
        "ir.model.fields",
        string="Sales Team Field",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), ('relation', '=', 'crm.team')]",
    )
    categ_field_id = fields.Many2one(
        "ir.model.fields",
        string="Product Category Field",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), ('relation', '=', 'product.category')]",
        help="Needed to split targets by product category.",
    )
    partner_field_id = fields.Many2one(
        "ir.model.fields",
        string="Customer Field",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), ('relation', '=', 'res.partner'), "
        "('store', '=', True)]",
        help="Needed to analyse attainment by region (the customer's country and state).",
    )
    source_field_id = fields.Many2one(
        "ir.model.fields",
        string="Source Field",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), ('relation', '=', 'utm.source'), "
        "('store', '=', True)]",
        help="Needed to analyse attainment by channel (UTM source).",
    )
    medium_field_id = fields.Many2one(
        "ir.model.fields",
        string="Medium Field",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), ('relation', '=', 'utm.medium'), "
        "('store', '=', True)]",
        help="Needed to analyse attainment by channel (UTM medium).",
    )
    aggregation = fields.Selection(
        [
            ("count", "Count of records"),
            ("sum", "Sum of a field"),
            ("avg", "Average of a field"),
            ("count_distinct", "Distinct count of a field"),
        ],
        required=True,
        default="sum",
    )
    value_field_id = fields.Many2one(
        "ir.model.fields",
        string="Value Field",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('store', '=', True)]",
    )
    rate_field_id = fields.Many2one(
        "ir.model.fields",
        string="Currency Rate Field",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'float'), ('store', '=', True)]",
        help="When set, each value is divided by this rate: amounts in the document's currency become "
        "amounts in the company's currency at the rate of the document's date (e.g. Currency Rate of "
        "sale orders).",
    )
    is_monetary = fields.Boolean(
        string="Monetary",
        compute="_compute_is_monetary",
        store=True,
        readonly=False,
        help="The figure is an amount in the company's currency.",
    )

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "A measure code must be unique per company."),
    ]

    @api.depends("aggregation", "value_field_id")
    def _compute_is_monetary(self):
        for measure in self:
            measure.is_monetary = measure.aggregation in ("sum", "avg") and measure.value_field_id.ttype == "monetary"

    @api.constrains(
        "model_id",
        "domain",
        "date_field_id",
        "user_field_id",
        "team_field_id",
        "categ_field_id",
        "partner_field_id",
        "source_field_id",
        "medium_field_id",
        "aggregation",
        "value_field_id",
        "rate_field_id",
    )
    def _check_definition(self):
        for measure in self:
            model = measure.model_id
            for field in (
                measure.date_field_id,
                measure.user_field_id,
                measure.team_field_id,
                measure.categ_field_id,
                measure.partner_field_id,
                measure.source_field_id,
                measure.medium_field_id,
                measure.value_field_id,
                measure.rate_field_id,
            ):
                if field and field.model_id != model:
                    raise ValidationError(
                        self.env._(
                            "Measure %(measure)s: the field %(field)s does not belong to the model %(model)s.",
                            measure=measure.name,
                            field=field.field_description,
                            model=model.name,
                        )
                    )
            value = measure.value_field_id
            if measure.aggregation in ("sum", "avg") and (not value or value.ttype not in NUMBER_TYPES):
                raise ValidationError(
                    self.env._(
                        "Measure %(measure)s: a sum or an average needs a numeric value field "
                        "(integer, decimal or monetary), not %(field)s.",
                        measure=measure.name,
                        field=value.field_description or self.env._("nothing"),
                    )
                )
            if measure.aggregation == "count_distinct" and not value:
                raise ValidationError(
                    self.env._(
                        "Measure %(measure)s: choose the field whose distinct values are counted.",
                        measure=measure.name,
                    )
                )
            measure._get_domain()

    def _get_domain(self):
        """The measure's filter as a domain, checked against its model."""
        self.ensure_one()
        try:
            domain = safe_eval(self.domain or "[]", {"uid": self.env.uid})
            self.env[self.model_name].sudo()._search(domain)
        except Exception as error:
            raise ValidationError(
                self.env._(
                    "Measure %(measure)s: the filter %(domain)s is not valid for %(model)s: %(error)s",
                    measure=self.name,
                    domain=self.domain,
                    model=self.model_id.name,
                    error=error,
                )
            ) from error
        return domain

    def _date_bounds(self, date_from, date_to):
        """Domain on the date field for [date_from, date_to], whole days included."""
        fname = self.date_field_id.name
        if self.date_field_id.ttype == "datetime":
            start = datetime.combine(date_from, time.min)
            stop = datetime.combine(date_to + timedelta(days=1), time.min)
            return [(fname, ">=", start), (fname, "<", stop)]
        return [(fname, ">=", date_from), (fname, "<=", date_to)]

    def _owner_sql(self, model, query):
        """SQL of the user a record belongs to: the salesperson field, or the user of the employee field."""
        owner = model._field_to_sql(model._table, self.user_field_id.name, query)
        if self.user_field_id.relation == "hr.employee":
            return SQL("(SELECT owner.user_id FROM hr_employee owner WHERE owner.id = %s)", owner)
        return owner

    def _owner_domain(self, user_ids):
        """Domain of the records that belong to ``user_ids``."""
        self.ensure_one()
        fname = self.sudo().user_field_id.name
        if self.sudo().user_field_id.relation == "hr.employee":
            return [(f"{fname}.user_id", "in", list(user_ids))]
        return [(fname, "in", list(user_ids))]

    def _row_value_sql(self, model, query):
        """One record's value in the company's currency (divided by the rate field when there is one)."""
        value = model._field_to_sql(model._table, self.value_field_id.name, query)
        if self.rate_field_id:
            rate = model._field_to_sql(model._table, self.rate_field_id.name, query)
            value = SQL("(%s / COALESCE(NULLIF(%s, 0), 1))", value, rate)
        return value

    def _value_sql(self, model, query):
        if self.aggregation == "count":
            return SQL("COUNT(*)")
        if self.aggregation == "count_distinct":
            return SQL("COUNT(DISTINCT %s)", model._field_to_sql(model._table, self.value_field_id.name, query))
        value = self._row_value_sql(model, query)
        return SQL("SUM(%s)", value) if self.aggregation == "sum" else SQL("AVG(%s)", value)

    def _query(self, date_from, date_to, domain=None, company_ids=None):
        """(model as superuser, Query) of the measure's records over [date_from, date_to]: its filter,
        ``domain`` and the companies (records shared between companies count for each)."""
        model = self.env[self.model_name].sudo().with_context(active_test=False)
        if not model._auto:
            self.env.flush_all()  # a SQL view reads tables of other models
        full_domain = expression.AND([self._get_domain(), self._date_bounds(date_from, date_to), domain or []])
        company_field = model._fields.get("company_id")
        if company_ids and company_field and company_field.store:
            company_domain = [("company_id", "in", list(company_ids))]
            if not company_field.required:
                company_domain = expression.OR([company_domain, [("company_id", "=", False)]])
            full_domain = expression.AND([full_domain, company_domain])
        return model, model._search(full_domain)

    def _read_values(self, date_from, date_to, groupby=("user",), domain=None, company_ids=None):
        """Figures of the measure over [date_from, date_to], grouped in one SQL query.

        ``groupby`` names dimensions among 'user', 'team', 'categ', 'country' and 'state' (of the
        customer), 'source', 'medium', 'month' (first day of the month, a date) and 'day'. Returns
        ``{key tuple: value}``, keys in the order of ``groupby``. Record rules are not applied: callers
        decide who may see the figures.
        """
        rows = self.env.execute_query(self._values_sql(date_from, date_to, groupby, domain, company_ids))
        width = len(groupby)
        return {tuple(row[:width]): float(row[width] or 0.0) for row in rows}

    def _values_sql(self, date_from, date_to, groupby=("user",), domain=None, company_ids=None):
        """The query of ``_read_values``: the ``groupby`` columns, then the value. A 'team' or 'categ'
        the measure has no field for comes out as NULL (so do 'country' and 'state' without a customer
        field, 'source' and 'medium' without their fields)."""
        self.ensure_one()
        self = self.sudo()  # noqa: PLW0642 - the definition (ir.model.fields) is read as superuser
        model, query = self._query(date_from, date_to, domain, company_ids)
        alias = model._table

        def optional(field):
            return model._field_to_sql(alias, field.name, query) if field else SQL("NULL::integer")

        def customer(column):
            if not self.partner_field_id:
                return SQL("NULL::integer")
            partner = model._field_to_sql(alias, self.partner_field_id.name, query)
            return SQL(
                "(SELECT customer.%s FROM res_partner customer WHERE customer.id = %s)", SQL.identifier(column), partner
            )

        columns = {
            "user": lambda: self._owner_sql(model, query),
            "team": lambda: optional(self.team_field_id),
            "categ": lambda: optional(self.categ_field_id),
            "country": lambda: customer("country_id"),
            "state": lambda: customer("state_id"),
            "source": lambda: optional(self.source_field_id),
            "medium": lambda: optional(self.medium_field_id),
            "month": lambda: SQL(
                "date_trunc('month', %s)::date", model._field_to_sql(alias, self.date_field_id.name, query)
            ),
            "day": lambda: SQL("(%s)::date", model._field_to_sql(alias, self.date_field_id.name, query)),
        }
        keys = [columns[dim]() for dim in groupby]
        value = self._value_sql(model, query)
        select = SQL(", ").join([*keys, value])
        sql = SQL("SELECT %s FROM %s WHERE %s", select, query.from_clause, query.where_clause or SQL("TRUE"))
        if keys:
            sql = SQL("%s GROUP BY %s", sql, SQL(", ").join(keys))
        return sql

    def _read_documents(self, date_from, date_to, domain=None, company_ids=None, with_categ=False):
        """The records behind the figures, one row each: ``[(id, user id, date, value)]``, the value
        in the company's currency (1 per record for a count), plus the product category when
        ``with_categ`` (and the measure has a category field). One SQL query."""
        self.ensure_one()
        self = self.sudo()  # noqa: PLW0642 - the definition (ir.model.fields) is read as superuser
        model, query = self._query(date_from, date_to, domain, company_ids)
        alias = model._table
        value = self._row_value_sql(model, query) if self.aggregation in ("sum", "avg") else SQL("1")
        categ = (
            model._field_to_sql(alias, self.categ_field_id.name, query)
            if with_categ and self.categ_field_id
            else SQL("NULL")
        )
        sql = SQL(
            "SELECT %s, %s, %s, %s, %s FROM %s WHERE %s",
            SQL.identifier(alias, "id"),
            self._owner_sql(model, query),
            model._field_to_sql(alias, self.date_field_id.name, query),
            value,
            categ,
            query.from_clause,
            query.where_clause or SQL("TRUE"),
        )
        rows = self.env.execute_query(sql)
        if with_categ:
            return [(row[0], row[1], row[2], float(row[3] or 0.0), row[4]) for row in rows]
        return [(row[0], row[1], row[2], float(row[3] or 0.0)) for row in rows]

    @api.model
    def _set_channel_fields(self):
        """Give the shipped measures their customer, source and medium fields where they have none (the
        measures are ``noupdate``: an update of the addon does not change them otherwise). Called once:
        by data/spm_measure_channel_data.xml at install, by the 18.0.1.1.0 migration on older databases."""
        for xmlid, model in (
            ("spm_addon.spm_measure_sales_revenue", "sale.order"),
            ("spm_addon.spm_measure_sales_revenue_categ", "sale.report"),
            ("spm_addon.spm_measure_invoiced_revenue", "account.move"),
            ("spm_addon.spm_measure_won_count", "crm.lead"),
            ("spm_addon.spm_measure_won_revenue", "crm.lead"),
        ):
            measure = self.env.ref(xmlid, raise_if_not_found=False)
            if not measure or measure.model_name != model:
                continue
            vals = {}
            for fname, name in (
                ("partner_field_id", "partner_id"),
                ("source_field_id", "source_id"),
                ("medium_field_id", "medium_id"),
            ):
                field = self.env["ir.model.fields"]._get(model, name)
                if field and not measure[fname]:
                    vals[fname] = field.id
            if vals:
                measure.write(vals)

    def _source_action(self, date_from, date_to, domain=None):
        """Window action listing the records behind a figure (the user's record rules apply)."""
        self.ensure_one()
        self = self.sudo()  # noqa: PLW0642 - the definition (ir.model.fields) is read as superuser
        full_domain = expression.AND([self._get_domain(), self._date_bounds(date_from, date_to), domain or []])
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": self.model_name,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": full_domain,
            "context": {"create": False},
        }
