"""Deterministic demo data for spm_addon: sales teams, salespeople and 24 months of sales history.

``generate(env, seed, scale)`` creates companies, sales teams with leaders, salespeople (users linked
to employees with a manager hierarchy), customers, product categories and products, leads and
opportunities (won, lost, open), quotations and confirmed orders, posted invoices and credit notes,
activities (open and done) and meetings. The same seed and end date give the same data (order and invoice
names go on from the database's own, as Odoo's sequences give them; ids come from the tables' sequences).

Setup records (companies, teams, categories, products) go through the ORM. Volume records go in with
PostgreSQL ``COPY`` on ids reserved from their sequences: the bench scale (10,000 salespeople,
1,000,000 order lines in confirmed orders, quotations and cancelled orders on top) takes minutes, not
hours. The rows are complete enough for Odoo's views, ``_read_group`` and the Sales and Invoicing
analysis reports. Scales count order lines of confirmed orders, one line per product and order.

Realism: each salesperson sells at a steady level of their own (log-normal skill, a few underperformers),
shaped by the company's year (a Chinese New Year dip and a year-end peak), growing about 8 % a year, a few of
them much better or worse this year than the last; their months vary by about 15 %. New hires ramp up
over six months, teams are of unequal size, a share of orders is in US dollars. Orders are drawn at random
and each confirmed one goes to the salesperson furthest behind their sales of the months so far, so that
last year's sales tell this year's (history-based targets) without per-line work.
"""

import heapq
import io
import math
import random
import statistics
import time
from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine import monitoring
from ..tools.bulk import checks_after_load, copy_text, reserve_ids

FINANCE_LOGIN = "finance@demo.example"
FINANCE_NAME = "Qian Shufen"
SCALES = {
    "tiny": {"companies": 1, "teams": 2, "reps": 6, "customers": 40, "products": 12, "order_lines": 600},
    "small": {"companies": 2, "teams": 5, "reps": 50, "customers": 600, "products": 40, "order_lines": 20_000},
    "bench": {
        "companies": 1,
        "teams": 1000,
        "reps": 10_000,
        "customers": 20_000,
        "products": 200,
        "order_lines": 1_000_000,
    },
}
MONTH_SEASON = {1: 0.8, 2: 0.55, 3: 0.95, 4: 1.0, 5: 1.0, 6: 1.1, 7: 0.9, 8: 0.9, 9: 1.05, 10: 1.0, 11: 1.2, 12: 1.45}
GROWTH = (0.075, 0.06)  # a salesperson's yearly growth: mean and spread
SURPRISES = 0.08  # the share of salespeople (not new hires) whose last year is much worse or much better
NOISE = 0.15  # how much a salesperson's month varies around their level
# what the demo's Consultative Selling does: its graduates sell this much more from the month after it
TRAINING_UPLIFT = 1.25
SURNAMES = "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao".split()
GIVEN = "Wei Fang Min Jing Lei Jun Yan Hui Qiang Li Na Tao Ming Chao Xin Yu Hao Ting Bo Lan".split()
CITIES = "Shanghai Beijing Shenzhen Guangzhou Hangzhou Chengdu Wuhan Nanjing Suzhou Xiamen".split()
# the province of each city, by its code in Odoo's Chinese states (base data)
PROVINCE_OF = {"Shanghai": "沪", "Beijing": "京", "Shenzhen": "粤", "Guangzhou": "粤", "Hangzhou": "浙",
               "Chengdu": "蜀", "Wuhan": "鄂", "Nanjing": "苏", "Suzhou": "苏", "Xiamen": "闽"}  # fmt: skip
CATEGORIES = {
    "Hardware": ["Servers", "Networking", "Storage"],
    "Software": ["Licences", "Subscriptions"],
    "Services": ["Installation", "Support", "Training"],
}
TEAM_NAMES = [
    "East China",
    "North China",
    "South China",
    "West China",
    "Key Accounts",
    "Channel Partners",
    "Online",
    "Government",
]
TEAM_NAMES_ZH = ["华东", "华北", "华南", "华西", "大客户", "渠道合作", "线上", "政府"]
SALESMAN_GROUP = "sales_team.group_sale_salesman"
SPM_USER_GROUP = "spm_addon.group_spm_user"
MARKER = "spm_addon.populate_seed"
AUDIT = ["create_uid", "create_date", "write_uid", "write_date"]


def add_translations(records, fname, values, lang="zh_CN"):
    """Give the translatable ``fname`` of ``records`` their ``values`` in ``lang``, installed or not (the
    ORM translates into installed languages only): what users of that language will read."""
    records.env.cr.execute(
        SQL(
            "UPDATE %(table)s t SET %(field)s = t.%(field)s || jsonb_build_object(%(lang)s, v.value) "
            "FROM (SELECT unnest(%(ids)s) AS id, unnest(%(values)s) AS value) v WHERE t.id = v.id",
            table=SQL.identifier(records._table),
            field=SQL.identifier(fname),
            lang=lang,
            ids=list(records.ids),
            values=list(values),
        )
    )
    records.invalidate_recordset([fname])


def demo_languages(env, terms=True):
    """English and Simplified Chinese, both active: the demo's CNY company reads Chinese, its USD company and
    the administrator English (README). Chinese is installed as Settings > Languages does, beside English
    (``load_language = zh_CN`` at the database's creation made it the only one, and everyone's default); a
    database made that way gets English back, as the administrator's language and the default.
    ``terms``: load Chinese's translations of the installed modules (what Chinese readers read)."""
    Lang = env["res.lang"].with_context(active_test=False)
    english = Lang.search([("code", "=", "en_US")])
    if not english.active:
        english.active = True
        env["ir.default"].set("res.partner", "lang", "en_US")
        env.ref("base.user_admin").lang = "en_US"
    chinese = Lang.search([("code", "=", "zh_CN")])
    if not chinese.active:
        chinese.active = True
        if terms:
            env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["zh_CN"])
    env.registry.clear_cache()  # the active languages are cached
    return english | chinese


def demo_teams(env, company):
    """The generated sales teams of ``company`` (led by the demo's leaders), not Odoo's default team nor
    the teams a database had before: what the demo sets up (plans, campaigns, rules) is for them."""
    return env["crm.team"].search(
        [
            ("company_id", "=", company.id),
            ("member_ids", "!=", False),
            ("user_id.login", "=like", "leader%@demo.example"),
        ]
    )


def _month_start(day):
    return day.replace(day=1)


def rep_position(login):
    """The position of a generated salesperson (rep007@demo.example: 7), else None: it does not depend on
    the database's ids, so the same seed gives the same data in any database."""
    name = (login or "").split("@")[0]
    return int(name[3:]) if name.startswith("rep") and name[3:].isdigit() else None


def consultative_completion(position, end):
    """The day the salesperson at ``position`` completed the demo's Consultative Selling, 120 to 300 days
    before ``end``, for a third of them (else None): the sales generator plants the course's effect after
    it, the training setup records the completions."""
    return training_day(position, end) if position and position % 3 == 0 else None


def training_day(position, end):
    """The day the salesperson at ``position`` completes a demo course, 120 to 300 days before ``end``."""
    return end - timedelta(days=120 + position * 37 % 180)


def _add_months(day, months):
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


class _Copy:
    """Rows for one table, kept as COPY text and sent in one go."""

    def __init__(self, env, table, columns):
        self.env, self.table, self.columns, self.buffer, self.count = env, table, columns, io.StringIO(), 0

    def add(self, *values):
        self.buffer.write("\t".join(copy_text(value) for value in values))
        self.buffer.write("\n")
        self.count += 1

    def send(self):
        if self.count:
            self.buffer.seek(0)
            missing = self._others_required()
            with checks_after_load(self.env.cr, self.table):
                for column in missing:  # filled below, as the ORM would
                    self.env.cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", *self._names(column)))
                self.env.cr._obj.copy_expert(
                    f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN", self.buffer, size=1 << 20
                )
                for column in missing:
                    self._fill(column)
                    self.env.cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", *self._names(column)))
        return self.count

    def _names(self, column):
        return SQL.identifier(self.table), SQL.identifier(column)

    def _model(self):
        return next((model for model in self.env.registry.values() if model._table == self.table and model._auto), None)

    def _others_required(self):
        """Required columns the generator does not write, that another installed module adds (Inventory's
        picking policy and warehouse on sale orders, say): filled after the load by the field's compute
        or default, as the ORM fills them on create."""
        self.env.cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL""",
            [self.table],
        )
        model = self._model()
        return [
            column
            for (column,) in self.env.cr.fetchall()
            if column not in self.columns and model is not None and column in model._fields
        ]

    def _fill(self, column):
        Model = self.env[self._model()._name]
        field = Model._fields[column]
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE %s IS NULL", *self._names(column)))
        records = Model.browse([row[0] for row in self.env.cr.fetchall()])
        if not records:
            return
        if field.compute and field.store:
            self.env.add_to_compute(field, records)
            records.flush_recordset([column])
        else:
            value = Model.default_get([column]).get(column)
            self.env.cr.execute(
                SQL("UPDATE %s SET %s = %s WHERE id = ANY(%s)", *self._names(column), value, records.ids)
            )


class Generator:
    def __init__(self, env, seed, params, end_date, log):
        self.env, self.seed, self.p, self.log = env, seed, params, log
        self.rng = random.Random(seed)
        self.end = end_date
        self.start = _add_months(_month_start(end_date), -23)
        self.now = datetime.combine(end_date, datetime.min.time())
        self.uid = env.uid
        self.counts = {}

    # helpers

    def ids(self, table, count):
        return reserve_ids(self.env.cr, table, count)

    def audit(self, moment=None):
        moment = moment or self.now
        return (self.uid, moment, self.uid, moment)

    def sequence_names(self, code, company, count):
        """The next ``count`` names of the sequence ``code`` of ``company``, as Odoo's ``next_by_code`` gives
        them one by one: a database with orders goes on from them."""
        sequence = self.env["ir.sequence"].search(
            [("code", "=", code), ("company_id", "in", (company.id, False))], order="company_id", limit=1
        )
        if not count:
            return []
        if sequence.implementation == "standard" and not sequence.use_date_range:
            self.env.cr.execute(
                SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f"ir_sequence_{sequence.id:03d}", count)
            )
            return [sequence.get_next_char(number) for (number,) in self.env.cr.fetchall()]
        return [sequence.with_company(company).next_by_id() for __ in range(count)]

    def person_name(self):
        given = self.rng.choice(GIVEN)
        if self.rng.random() < 0.6:
            given += self.rng.choice(GIVEN).lower()
        return f"{self.rng.choice(SURNAMES)} {given}"

    # setup through the ORM

    def companies(self):
        env = self.env
        main = env.ref("base.main_company")
        cny = env.ref("base.CNY")
        usd = env.ref("base.USD")
        (cny | usd).active = True
        china = env.ref("base.cn")
        if env["account.move.line"].search_count([("company_id", "=", main.id)], limit=1) or env[
            "sale.order"
        ].search_count([("company_id", "=", main.id)], limit=1):
            # a database with accounting or sales of its own keeps its company as it is: the demo's Chinese
            # company is a new one, with the generic chart of accounts as the demo's other companies, then its
            # currency (the chart's template sets US dollars)
            main = env["res.company"].create({"name": "Huaxin Technology Co., Ltd.", "currency_id": cny.id})
            env["account.chart.template"].try_loading("generic_coa", main, install_demo=False)
            main.currency_id = cny
        else:
            main.write({"name": "Huaxin Technology Co., Ltd.", "currency_id": cny.id})
        # the country on the company's address: a company's own country field would install the country's
        # accounting, and at commit replace the chart of accounts (deleting the generated invoices)
        main.partner_id.country_id = china
        companies = main
        for index in range(1, self.p["companies"]):
            # as the Chinese company above: the country on its address
            company = env["res.company"].create({"name": f"Huaxin International {index} Ltd.", "currency_id": usd.id})
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
            company.currency_id = usd
            company.partner_id.country_id = env.ref("base.hk")
            companies |= company
        env.user.company_ids = [Command.link(company.id) for company in companies]
        # 1 CNY = 0.14 USD, with a small drift over the months
        rates = []
        for offset in range(24):
            day = _add_months(self.start, offset)
            rates.append(
                {"name": day, "currency_id": usd.id, "company_id": main.id, "rate": round(0.145 - 0.0004 * offset, 6)}
            )
        env["res.currency.rate"].create(rates)
        for company in companies - main:
            env["res.currency.rate"].create(
                [{"name": self.start, "currency_id": cny.id, "company_id": company.id, "rate": 7.1}]
            )
        self.counts["companies"] = len(companies)
        return companies

    def products(self):
        env = self.env
        Category = env["product.category"]
        parent = Category.create({"name": "Huaxin Catalogue"})
        leaves = []
        for name, children in CATEGORIES.items():
            category = Category.create({"name": name, "parent_id": parent.id})
            leaves += [Category.create({"name": child, "parent_id": category.id}) for child in children]
        vals = []
        for index in range(self.p["products"]):
            category = leaves[index % len(leaves)]
            is_service = category.parent_id.name == "Services"
            price = round(math.exp(self.rng.uniform(math.log(200), math.log(50_000))), -1)
            vals.append(
                {
                    "name": f"{category.name} {index + 1:03d}",
                    "categ_id": category.id,
                    "list_price": price,
                    "type": "service" if is_service else "consu",
                    "sale_ok": True,
                    "taxes_id": [Command.clear()],
                    "default_code": f"HX{index + 1:04d}",
                    "invoice_policy": "order",
                }
            )
        templates = env["product.template"].create(vals)
        self.products_data = [(t.product_variant_id.id, t.list_price, t.uom_id.id, t.name) for t in templates]
        self.counts["categories"] = len(leaves) + len(CATEGORIES) + 1
        self.counts["products"] = len(templates)

    # people

    def people(self, companies):
        env = self.env
        main = companies[:1]
        team_count, rep_count = self.p["teams"], self.p["reps"]
        # team sizes vary: weights drawn once, every team has at least two reps
        sizes = [self.rng.uniform(0.6, 1.6) for __ in range(team_count)]
        scale = (rep_count - 2 * team_count) / sum(sizes)
        members = [2 + int(size * scale) for size in sizes]
        members[0] += rep_count - sum(members)
        team_companies = [
            main if index < team_count - 1 or len(companies) == 1 else companies[1] for index in range(team_count)
        ]
        # leaders (one per team) and a director per company are users too
        people_count = rep_count + team_count + len(companies)
        partner_ids = self.ids("res_partner", people_count)
        user_ids = self.ids("res_users", people_count)
        resource_ids = self.ids("resource_resource", people_count)
        employee_ids = self.ids("hr_employee", people_count)
        calendar = {company.id: company.resource_calendar_id.id for company in companies}
        partners = _Copy(
            env,
            "res_partner",
            [
                "id",
                "name",
                "complete_name",
                "email",
                "company_id",
                "active",
                "type",
                "is_company",
                "autopost_bills",
                "lang",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        users = _Copy(
            env,
            "res_users",
            [
                "id",
                "login",
                "partner_id",
                "company_id",
                "active",
                "share",
                "notification_type",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        resources = _Copy(
            env,
            "resource_resource",
            ["id", "name", "user_id", "company_id", "calendar_id", "time_efficiency", "active", "resource_type", "tz"],
        )
        employees = _Copy(
            env,
            "hr_employee",
            [
                "id",
                "resource_id",
                "name",
                "company_id",
                "resource_calendar_id",
                "user_id",
                "parent_id",
                "work_contact_id",
                "work_email",
                "job_title",
                "active",
                "marital",
                "distance_home_work_unit",
                "employee_type",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        company_rel = _Copy(env, "res_company_users_rel", ["cid", "user_id"])
        people = []  # (index, kind, company)
        for company in companies:
            people.append(("director", company))
        for team_index in range(team_count):
            people.append(("leader", team_companies[team_index]))
        for team_index in range(team_count):
            people += [("rep", team_companies[team_index])] * members[team_index]
        directors = {}
        leaders = []
        self.reps = []
        rep_position = 0
        # the people of a Chinese company read Simplified Chinese when the database has it (the demo loads
        # it): their activities, messages and screens come in it; the others English
        chinese = bool(env["res.lang"]._lang_get("zh_CN"))
        langs = {c.id: "zh_CN" if chinese and c.currency_id.name == "CNY" else "en_US" for c in companies}
        for index, (kind, company) in enumerate(people):
            name = self.person_name()
            if kind == "director":
                login = f"director{len(directors) + 1}"
            elif kind == "leader":
                login = f"leader{len(leaders) + 1:04d}"
            if kind == "rep":
                rep_position += 1
                login = f"rep{rep_position:03d}" if rep_count < 1000 else f"rep{rep_position:05d}"
            login = f"{login}@demo.example"
            uid, pid, rid, eid = user_ids[index], partner_ids[index], resource_ids[index], employee_ids[index]
            moment = datetime.combine(self.start, datetime.min.time()) - timedelta(days=400)
            lang = langs[company.id]
            partners.add(pid, name, name, login, company.id, True, "contact", False, "ask", lang, *self.audit(moment))
            users.add(uid, login, pid, company.id, True, False, "inbox", *self.audit(moment))
            company_rel.add(company.id, uid)
            resources.add(rid, name, uid, company.id, calendar[company.id], 100, True, "user", "Asia/Shanghai")
            if kind == "director":
                parent, title = None, "Sales Director"
                directors[company.id] = eid
            elif kind == "leader":
                parent, title = directors[company.id], "Sales Manager"
                leaders.append((uid, eid))
            else:
                parent, title = None, "Salesperson"
            employees.add(
                eid,
                rid,
                name,
                company.id,
                calendar[company.id],
                uid,
                parent,
                pid,
                login,
                title,
                True,
                "single",
                "kilometers",
                "employee",
                *self.audit(moment),
            )
            if kind == "rep":
                hired = self.rng.random() < 0.2
                hire = self.start + timedelta(days=self.rng.randint(0, 640)) if hired else None
                skill = self.rng.lognormvariate(0, 0.35) * (0.5 if self.rng.random() < 0.06 else 1.0)
                growth, surprise = self.rng.gauss(*GROWTH), 1.0
                if not hired and self.rng.random() < SURPRISES:  # a year much worse or much better than the last
                    surprise = self.rng.uniform(0.45, 0.6) if self.rng.random() < 0.5 else self.rng.uniform(1.5, 1.8)
                self.reps.append(
                    {
                        "user": uid,
                        "position": rep_position,
                        "partner": pid,
                        "employee": eid,
                        "company": company.id,
                        "skill": skill,
                        "growth": growth,
                        "surprise": surprise,
                        "hire": hire,
                        "name": name,
                    }
                )
        for table in (partners, users, company_rel, resources):
            table.send()
        # employees reference their manager: leaders first, then reps with their team leader
        employees.send()
        # teams through the ORM (few), members by COPY
        Team = env["crm.team"].with_context(tracking_disable=True)
        teams = Team.create(
            [
                {
                    "name": f"{TEAM_NAMES[i % len(TEAM_NAMES)]}"
                    + (f" {i // len(TEAM_NAMES) + 1}" if i >= len(TEAM_NAMES) else ""),
                    "user_id": leaders[i][0],
                    "company_id": team_companies[i].id,
                    "sequence": i,
                }
                for i in range(team_count)
            ]
        )
        add_translations(
            teams,
            "name",
            [
                TEAM_NAMES_ZH[i % len(TEAM_NAMES)] + (f" {i // len(TEAM_NAMES) + 1}" if i >= len(TEAM_NAMES) else "")
                for i in range(team_count)
            ],
        )
        member_rows = _Copy(
            env,
            "crm_team_member",
            ["id", "crm_team_id", "user_id", "active", "create_uid", "create_date", "write_uid", "write_date"],
        )
        member_ids = self.ids("crm_team_member", rep_count)
        rep_iter = iter(self.reps)
        updates = []
        for team_index, team in enumerate(teams):
            for __ in range(members[team_index]):
                rep = next(rep_iter)
                rep["team"] = team.id
                rep["leader"] = leaders[team_index][0]
                member_rows.add(member_ids.pop(), team.id, rep["user"], True, *self.audit())
                updates.append((rep["employee"], leaders[team_index][1]))
        member_rows.send()
        env.cr.execute(
            "UPDATE hr_employee e SET parent_id = v.parent FROM (SELECT unnest(%s) AS id, unnest(%s) AS parent) v "
            "WHERE e.id = v.id",
            [[u[0] for u in updates], [u[1] for u in updates]],
        )
        env.cr.execute(
            "UPDATE res_users u SET sale_team_id = m.crm_team_id FROM crm_team_member m "
            "WHERE m.user_id = u.id AND u.id = ANY(%s)",
            [[rep["user"] for rep in self.reps]],
        )
        # groups: the salesman group and everything it implies, plus the SPM salesperson role
        groups = env.ref(SALESMAN_GROUP)
        spm_group = env.ref(SPM_USER_GROUP, raise_if_not_found=False)
        leader_group = env.ref("sales_team.group_sale_salesman_all_leads")
        spm_manager = env.ref("spm_addon.group_spm_manager", raise_if_not_found=False)
        rep_groups = (groups | spm_group) if spm_group else groups
        rep_groups |= rep_groups.trans_implied_ids
        boss_groups = rep_groups | leader_group | leader_group.trans_implied_ids
        if spm_manager:
            boss_groups |= spm_manager | spm_manager.trans_implied_ids
        rel = _Copy(env, "res_groups_users_rel", ["gid", "uid"])
        bosses = set(user_ids[: len(companies) + team_count])
        for uid in user_ids:
            for group in boss_groups if uid in bosses else rep_groups:
                rel.add(group.id, uid)
        rel.send()
        env.invalidate_all()
        env.registry.clear_cache()
        if rep_count <= 200:  # a known password, cheap at demo scale: the login itself
            for user in env["res.users"].browse(user_ids):
                user.password = user.login
        self.teams = teams
        self.counts.update(teams=len(teams), reps=rep_count, leaders=team_count)
        finance = env.ref("spm_addon.group_spm_finance", raise_if_not_found=False)
        if finance:  # a finance officer who locks the approved payout runs of both companies
            env["res.users"].with_context(no_reset_password=True).create(
                {
                    # a name no salesperson has (their surnames and given names are drawn from SURNAMES, GIVEN)
                    "name": FINANCE_NAME,
                    "login": FINANCE_LOGIN,
                    "password": FINANCE_LOGIN,
                    "lang": langs[companies[0].id],
                    "company_id": companies[0].id,
                    "company_ids": [Command.set(companies.ids)],
                    "groups_id": [Command.set((env.ref("base.group_user") | finance).ids)],
                }
            )

    def customers(self, companies):
        env = self.env
        count = self.p["customers"]
        ids = self.ids("res_partner", count)
        rows = _Copy(
            env,
            "res_partner",
            [
                "id",
                "name",
                "complete_name",
                "is_company",
                "company_id",
                "active",
                "type",
                "customer_rank",
                "city",
                "country_id",
                "state_id",
                "commercial_partner_id",
                "email",
                "user_id",
                "autopost_bills",
                "lang",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        self.customers_by_company = {}
        span = (self.end - self.start).days
        reps_by_company = {}
        for rep in self.reps:
            reps_by_company.setdefault(rep["company"], []).append(rep)
        company_ids = companies.ids
        china = env.ref("base.cn")
        states = {state.code: state.id for state in env["res.country.state"].search([("country_id", "=", china.id)])}
        for index, pid in enumerate(ids):
            company = company_ids[0] if len(company_ids) == 1 or index % 10 else company_ids[1]
            rep = self.rng.choice(reps_by_company.get(company) or self.reps)
            city = self.rng.choice(CITIES)
            name = (
                f"{city} {self.rng.choice(['Jinhe', 'Tianyi', 'Hongda', 'Xinghua', 'Ruifeng', 'Baisheng'])} "
                f"{self.rng.choice(['Trading', 'Electronics', 'Manufacturing', 'Logistics', 'Retail'])} {index + 1}"
            )
            # most customers exist before the history starts; the others are new customers of their rep
            created = (
                self.start - timedelta(days=self.rng.randint(30, 900))
                if self.rng.random() < 0.7
                else self.start + timedelta(days=self.rng.randint(0, span))
            )
            moment = datetime.combine(created, datetime.min.time()) + timedelta(hours=9)
            rows.add(
                pid,
                name,
                name,
                True,
                None,
                True,
                "contact",
                1,
                city,
                china.id,
                states.get(PROVINCE_OF[city]),
                pid,  # a company is its own commercial partner, as Odoo computes it
                f"info{index + 1}@customer.example",
                rep["user"],
                "ask",
                "en_US",
                *self.audit(moment),
            )
            self.customers_by_company.setdefault(company, []).append((pid, created))
        rows.send()
        self.counts["customers"] = count

    # sales

    def _rep_weight(self, rep, month):
        if rep["hire"] and rep["hire"] > month:
            return 0.0
        ramp = 1.0
        if rep["hire"]:
            months_in = (month.year - rep["hire"].year) * 12 + month.month - rep["hire"].month
            ramp = min(1.0, (months_in + 1) / 6)
        return rep["skill"] * ramp

    def _trained(self, rep, month):
        """The uplift of a month of ``rep``: after their demo training (the months that start after it)."""
        completed = consultative_completion(rep["position"], self.end)
        return TRAINING_UPLIFT if completed and month > completed else 1.0

    def _order_line(self, products, lines):
        """(product, qty, price) of a new line, for a product not yet in ``lines``; popular products first."""
        taken = {line[0][0] for line in lines}
        product = None
        while product is None or product[0] in taken:
            product = products[min(int(self.rng.expovariate(6 / len(products))), len(products) - 1)]
        qty = self.rng.choice([1, 1, 1, 2, 2, 3, 5, 10])
        return product, qty, round(product[1] * self.rng.uniform(0.85, 1.05), 2)

    def _assign_orders(self, orders, levels, month_weights):
        """Give each order a salesperson (``order["rep"]``), month after month: the confirmed orders, the
        largest first, each to the salesperson furthest behind their share of the sales so far (their
        ``levels``, cumulated), the others at random by the month's levels. A salesperson's sales thus
        follow their level whatever the sizes of the orders drawn. The prices of a month's orders are then
        scaled alike (``order["scale"]``, by at most a quarter) so that the month sells what its levels
        say (``month_weights``): the luck of the draw does not make a year better than the other."""
        by_month = [[] for __ in month_weights]
        month_values = [0.0] * len(month_weights)
        for order in orders:
            by_month[order["month"]].append(order)
            order["scale"] = 1.0
            if order["state"] == "sale":
                order["value"] = sum(qty * price for __, qty, price in order["lines"])
                month_values[order["month"]] += order["value"]
        unit = sum(month_values) / (sum(month_weights) or 1.0)  # sales of a unit of level
        owed = [0.0] * len(self.reps)  # sales due to each salesperson and not yet given, over the months
        for index, month_orders in enumerate(by_month):
            weights = [rep_levels[index] for rep_levels in levels]
            if not month_orders:
                continue
            if not any(weights):  # nobody hired yet: everyone alike
                weights = [1.0] * len(weights)
            confirmed = [order for order in month_orders if order["state"] == "sale"]
            share = month_values[index] / sum(weights)
            heap = []
            for position, weight in enumerate(weights):
                if weight:
                    owed[position] += weight * share
                    heap.append((-owed[position], position))
            heapq.heapify(heap)
            for order in sorted(confirmed, key=lambda order: -order["value"]):
                position = heap[0][1]
                owed[position] -= order["value"]
                heapq.heapreplace(heap, (-owed[position], position))
                order["rep"] = self.reps[position]
            if month_values[index]:
                scale = min(max(month_weights[index] * unit / month_values[index], 0.8), 1.25)
                for order in month_orders:
                    order["scale"] = scale
            others = [order for order in month_orders if order["state"] != "sale"]
            for order, rep in zip(others, self.rng.choices(self.reps, weights=weights, k=len(others)), strict=True):
                order["rep"] = rep

    def sales(self, companies):
        env = self.env
        line_total = self.p["order_lines"]  # lines of confirmed orders; quotations and cancelled ones come on top
        months = [_add_months(self.start, i) for i in range(24)]
        # what each salesperson sells in each month, in proportion: their level, the season, their growth
        # (and their surprise over the last twelve months), the ramp-up of a new hire and some noise; the
        # company's month is the sum of its salespeople's
        levels = [
            [
                self._rep_weight(rep, month)
                * MONTH_SEASON[month.month]
                * (1 + rep["growth"]) ** (i / 12)
                * (rep["surprise"] if i >= 12 else 1.0)
                * self._trained(rep, month)
                * self.rng.uniform(1 - NOISE, 1 + NOISE)
                for i, month in enumerate(months)
            ]
            for rep in self.reps
        ]
        month_weights = [sum(column) for column in zip(*levels, strict=True)]
        # the month of the end date, up to that day
        last_days = (self.end - months[-1]).days + 1
        month_weights[-1] *= last_days / (_add_months(months[-1], 1) - months[-1]).days
        avg_lines = 4.5
        order_total = max(1, round(line_total / avg_lines / 0.93))  # about 7 % of orders are not confirmed
        per_month = [order_total * w / sum(month_weights) for w in month_weights]
        per_month = [int(x) for x in per_month]
        per_month[-1] += order_total - sum(per_month)
        main = companies[:1]
        usd = env.ref("base.USD")
        pricelists = {
            company.id: env["product.pricelist"].create(
                {"name": f"Default {company.name}", "currency_id": company.currency_id.id, "company_id": company.id}
            )
            for company in companies
        }
        usd_pricelist = env["product.pricelist"].create({"name": "USD", "currency_id": usd.id, "company_id": main.id})
        usd_companies = {company.id for company in companies if company.currency_id == usd}
        usd_rates = {
            r.name: r.rate
            for r in env["res.currency.rate"].search([("currency_id", "=", usd.id), ("company_id", "=", main.id)])
        }
        journals = {
            company.id: env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
            for company in companies
        }
        accounts = {}
        for company in companies:
            income = (
                env["account.account"]
                .with_company(company)
                .search([("account_type", "=", "income"), ("company_ids", "in", company.id)], limit=1)
            )
            receivable = (
                env["account.account"]
                .with_company(company)
                .search([("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)], limit=1)
            )
            accounts[company.id] = (income.id, receivable.id)
        won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1).id
        open_stages = env["crm.stage"].search([("is_won", "=", False)], order="sequence").ids
        lost_reasons = env["crm.lost.reason"].search([]).ids
        products = self.products_data
        order_ids = self.ids("sale_order", sum(per_month))
        orders = []  # plan the orders first: dates, reps, states, lines
        order_iter = iter(order_ids)
        for index, (month, count) in enumerate(zip(months, per_month, strict=True)):
            days = min((_add_months(month, 1) - month).days, (self.end - month).days + 1)
            recent = (self.end - month).days < 45
            for __ in range(count):
                day = month + timedelta(days=self.rng.randrange(days))
                draw = self.rng.random()
                if recent and draw < 0.35:
                    state = self.rng.choice(["draft", "sent"])
                elif draw < 0.04:
                    state = "cancel"
                elif draw < 0.10 and (self.end - day).days < 120:
                    state = "sent"
                else:
                    state = "sale"
                n_lines = max(1, min(9, len(products), int(self.rng.expovariate(1 / avg_lines)) + 1))
                lines = []
                for __ in range(n_lines):
                    lines.append(self._order_line(products, lines))
                orders.append({"id": next(order_iter), "month": index, "day": day, "state": state, "lines": lines})
        # exactly the promised number of confirmed order lines: add to or take from confirmed orders drawn
        # at random (one line per product and order, as Odoo's order form makes them)
        confirmed = [order for order in orders if order["state"] == "sale"]
        confirmed_lines = sum(len(order["lines"]) for order in confirmed)
        while confirmed_lines != line_total and confirmed:
            order = self.rng.choice(confirmed)
            if confirmed_lines < line_total and len(order["lines"]) < len(products):
                order["lines"].append(self._order_line(products, order["lines"]))
                confirmed_lines += 1
            elif confirmed_lines > line_total and len(order["lines"]) > 1:
                order["lines"].pop()
                confirmed_lines -= 1
        self._assign_orders(orders, levels, month_weights)
        for order in orders:
            rep = order["rep"]
            customers = self.customers_by_company.get(rep["company"]) or self.customers_by_company[main.id]
            order["partner"] = self.rng.choice(customers)[0]
            order["usd"] = rep["company"] == main.id and self.rng.random() < 0.05
        line_ids_needed = sum(len(order["lines"]) for order in orders)
        line_ids = iter(self.ids("sale_order_line", line_ids_needed))
        so = _Copy(
            env,
            "sale_order",
            [
                "id",
                "name",
                "company_id",
                "partner_id",
                "partner_invoice_id",
                "partner_shipping_id",
                "pricelist_id",
                "currency_id",
                "user_id",
                "team_id",
                "date_order",
                "state",
                "currency_rate",
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "invoice_status",
                "opportunity_id",
                "require_signature",
                "require_payment",
                "prepayment_percent",
                "locked",
                "validity_date",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        sol = _Copy(
            env,
            "sale_order_line",
            [
                "id",
                "order_id",
                "sequence",
                "company_id",
                "currency_id",
                "order_partner_id",
                "salesman_id",
                "product_id",
                "product_uom",
                "name",
                "product_uom_qty",
                "price_unit",
                "discount",
                "price_subtotal",
                "price_tax",
                "price_total",
                "price_reduce_taxexcl",
                "price_reduce_taxinc",
                "qty_delivered",
                "qty_invoiced",
                "qty_to_invoice",
                "untaxed_amount_invoiced",
                "untaxed_amount_to_invoice",
                "customer_lead",
                "state",
                "invoice_status",
                "qty_delivered_method",
                "is_downpayment",
                "is_expense",
                "technical_price_unit",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        # opportunities: one per order (won when confirmed), plus lost ones and open ones
        lead_rows = _Copy(
            env,
            "crm_lead",
            [
                "id",
                "name",
                "type",
                "partner_id",
                "user_id",
                "team_id",
                "company_id",
                "stage_id",
                "expected_revenue",
                "prorated_revenue",
                "probability",
                "automated_probability",
                "active",
                "date_open",
                "date_closed",
                "date_last_stage_update",
                "date_conversion",
                "date_deadline",
                "lost_reason_id",
                "priority",
                "contact_name",
                "email_from",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        lost_count = int(len(orders) * 0.7)
        lead_only = int(len(orders) * 0.25)
        lead_ids = iter(self.ids("crm_lead", len(orders) + lost_count + lead_only))
        self.opportunities = []  # (lead id, rep, day, status)
        # expected closing dates, with a random generator of their own (the sales stay as they were): an open
        # deal's mostly in the coming one to three months, one in eight already past; a closed deal's its close
        closing_rng = random.Random(self.seed + 3)

        def expected_closing(created):
            if closing_rng.random() < 0.125:
                return max(created.date(), self.end - timedelta(days=closing_rng.randint(1, 30)))
            return self.end + timedelta(days=closing_rng.randint(7, 90))

        names = {}
        for company in companies:
            mine = [order for order in orders if order["rep"]["company"] == company.id]
            mine_names = self.sequence_names("sale.order", company, len(mine))
            names.update(zip([order["id"] for order in mine], mine_names, strict=True))
        invoices = []
        for order in orders:
            rep, day = order["rep"], order["day"]
            moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=self.rng.randint(1, 10))
            company = rep["company"]
            in_usd = order["usd"] or company in usd_companies
            currency = usd.id if in_usd else companies.browse(company).currency_id.id
            # the list prices are in CNY: a document in US dollars converts them at the month's rate;
            # ``rate`` is the document's currency per company currency (1.0 in a US-dollar company)
            to_usd = usd_rates.get(_month_start(day), 0.14)
            rate = to_usd if order["usd"] else 1.0
            pricelist = usd_pricelist.id if order["usd"] else pricelists[company].id
            # prices in the document currency, scaled with the month's
            factor = (to_usd if in_usd else 1.0) * order["scale"]
            untaxed = 0.0
            name = names[order["id"]]
            confirmed = order["state"] == "sale"
            invoiced = confirmed and (self.end - day).days > 10 and self.rng.random() < 0.9
            for seq, (product, qty, price) in enumerate(order["lines"], start=1):
                price_doc = round(price * factor, 2)
                subtotal = round(price_doc * qty, 2)
                untaxed += subtotal
                line_id = next(line_ids)
                order.setdefault("line_ids", []).append((line_id, product, qty, price_doc, subtotal))
                sol.add(
                    line_id,
                    order["id"],
                    seq * 10,
                    company,
                    currency,
                    order["partner"],
                    rep["user"],
                    product[0],
                    product[2],
                    product[3],
                    qty,
                    price_doc,
                    0,
                    subtotal,
                    0,
                    subtotal,
                    price_doc,
                    price_doc,
                    qty if confirmed else 0,
                    qty if invoiced else 0,
                    0 if invoiced or not confirmed else qty,
                    subtotal if invoiced else 0,
                    0 if invoiced or not confirmed else subtotal,
                    0,
                    order["state"],
                    "invoiced" if invoiced else ("to invoice" if confirmed else "no"),
                    "manual",
                    False,
                    False,
                    price_doc,
                    *self.audit(moment),
                )
            untaxed = round(untaxed, 2)
            lead_id = next(lead_ids)
            created = moment - timedelta(days=self.rng.randint(5, 60))
            won = confirmed
            lead_rows.add(
                lead_id,
                f"{name} opportunity",
                "opportunity",
                order["partner"],
                rep["user"],
                rep["team"],
                company,
                won_stage if won else self.rng.choice(open_stages),
                round(untaxed / rate, 2),
                round(untaxed / rate, 2) if won else round(untaxed / rate * 0.5, 2),
                100 if won else 50,
                50,
                order["state"] != "cancel",
                created,
                moment if won else None,
                moment,
                created,
                moment.date() if won else expected_closing(created),
                None,
                self.rng.choice("0123"),
                self.person_name(),
                None,
                *self.audit(created),
            )
            self.opportunities.append((lead_id, rep, created, "won" if won else "open"))
            so.add(
                order["id"],
                name,
                company,
                order["partner"],
                order["partner"],
                order["partner"],
                pricelist,
                currency,
                rep["user"],
                rep["team"],
                moment,
                order["state"],
                rate,
                untaxed,
                0,
                untaxed,
                "invoiced" if invoiced else ("to invoice" if confirmed else "no"),
                lead_id,
                True,
                False,
                1.0,
                False,
                day + timedelta(days=30),
                *self.audit(moment),
            )
            if invoiced:
                invoices.append((order, name, moment, currency, rate, untaxed))
        for __ in range(lost_count + lead_only):
            rep = self.rng.choice(self.reps)
            day = self.start + timedelta(days=self.rng.randrange((self.end - self.start).days))
            weight = self._rep_weight(rep, _month_start(day))
            lost = __ < lost_count
            created = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
            customers = self.customers_by_company.get(rep["company"]) or self.customers_by_company[main.id]
            value = self.rng.choice(products)[1] * self.rng.randint(1, 20)
            if rep["company"] in usd_companies:  # list prices are in CNY
                value *= usd_rates.get(_month_start(day), 0.14)
            value = round(value, 2)
            lead_id = next(lead_ids)
            # weaker reps lose more: their lost deals are bigger and closed faster
            closed = created + timedelta(days=self.rng.randint(5, 50)) if lost else None
            if closed and closed.date() > self.end:
                closed = created
            lead_rows.add(
                lead_id,
                f"Opportunity L{__ + 1:06d}" if lost else f"Lead L{__ + 1:06d}",
                "opportunity" if lost else "lead",
                self.rng.choice(customers)[0],
                rep["user"],
                rep["team"],
                rep["company"],
                open_stages[0],
                value,
                0 if lost else value * 0.1,
                0 if lost else 10,
                10,
                not lost,
                created,
                closed,
                closed or created,
                None,
                closed.date() if closed else None,
                self.rng.choice(lost_reasons) if lost and weight >= 0 else None,
                "1",
                self.person_name(),
                None,
                *self.audit(created),
            )
            if lost:
                self.opportunities.append((lead_id, rep, created, "lost"))
        lead_rows.send()
        so.send()
        sol.send()
        self.counts.update(
            sale_orders=so.count,
            order_lines=sol.count,
            confirmed_order_lines=sum(len(o["lines"]) for o in orders if o["state"] == "sale"),
            leads=lead_only,
            opportunities=len(orders) + lost_count,
            opportunities_won=sum(1 for o in orders if o["state"] == "sale"),
            opportunities_lost=lost_count,
            quotations=sum(1 for o in orders if o["state"] in ("draft", "sent")),
        )
        self.invoices(invoices, journals, accounts)

    def invoices(self, invoices, journals, accounts):
        env = self.env
        refunds = [inv for inv in invoices if self.rng.random() < 0.04]
        move_ids = iter(self.ids("account_move", len(invoices) + len(refunds)))
        line_count = sum(len(inv[0]["line_ids"]) + 1 for inv in invoices) + 2 * len(refunds)
        aml_ids = iter(self.ids("account_move_line", line_count))
        am = _Copy(
            env,
            "account_move",
            [
                "id",
                "name",
                "sequence_prefix",
                "sequence_number",
                "journal_id",
                "company_id",
                "currency_id",
                "partner_id",
                "commercial_partner_id",
                "partner_shipping_id",
                "invoice_user_id",
                "team_id",
                "date",
                "invoice_date",
                "invoice_date_due",
                "state",
                "move_type",
                "auto_post",
                "payment_state",
                "invoice_origin",
                "reversed_entry_id",
                "invoice_currency_rate",
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "amount_residual",
                "amount_untaxed_signed",
                "amount_untaxed_in_currency_signed",
                "amount_tax_signed",
                "amount_total_signed",
                "amount_total_in_currency_signed",
                "amount_residual_signed",
                "invoice_partner_display_name",
                "posted_before",
                "made_sequence_gap",
                "is_move_sent",
                "checked",
                "is_storno",
                "always_tax_exigible",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        aml = _Copy(
            env,
            "account_move_line",
            [
                "id",
                "move_id",
                "move_name",
                "journal_id",
                "company_id",
                "company_currency_id",
                "currency_id",
                "account_id",
                "partner_id",
                "product_id",
                "product_uom_id",
                "name",
                "display_type",
                "sequence",
                "date",
                "invoice_date",
                "date_maturity",
                "parent_state",
                "quantity",
                "price_unit",
                "price_subtotal",
                "price_total",
                "discount",
                "balance",
                "debit",
                "credit",
                "amount_currency",
                "amount_residual",
                "amount_residual_currency",
                "reconciled",
                "tax_base_amount",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        rel = _Copy(env, "sale_order_line_invoice_rel", ["order_line_id", "invoice_line_id"])
        sequences = {}
        company_currency = {c.id: c.currency_id.id for c in env["res.company"].search([])}
        original = {}

        def move(order, moment, currency, rate, untaxed, kind, lines, reversed_id=None):
            company = order["rep"]["company"]
            journal = journals[company]
            day = moment.date() + timedelta(days=self.rng.randint(0, 12))
            day = min(day, self.end)
            # Odoo's numbering: the journal's code (R before it for credit notes), the year, the next number
            # after the last of the same prefix in the journal (a database with invoices goes on from them)
            prefix = f"{'R' if kind == 'out_refund' else ''}{journal.code}/{day.year}/"
            if (journal.id, prefix) not in sequences:
                env.cr.execute(
                    "SELECT COALESCE(MAX(sequence_number), 0) FROM account_move WHERE journal_id = %s "
                    "AND sequence_prefix = %s",
                    [journal.id, prefix],
                )
                sequences[(journal.id, prefix)] = env.cr.fetchone()[0]
            sequences[(journal.id, prefix)] = number = sequences[(journal.id, prefix)] + 1
            move_id = next(move_ids)
            sign = -1 if kind == "out_refund" else 1
            company_amount = round(untaxed / rate, 2)
            paid = (self.end - day).days > 45 and self.rng.random() < 0.85
            residual = 0.0 if paid else untaxed
            name = f"{prefix}{number:05d}"
            when = datetime.combine(day, datetime.min.time()) + timedelta(hours=11)
            am.add(
                move_id,
                name,
                prefix,
                number,
                journal.id,
                company,
                currency,
                order["partner"],
                order["partner"],
                order["partner"],
                order["rep"]["user"],
                order["rep"]["team"],
                day,
                day,
                day + timedelta(days=30),
                "posted",
                kind,
                "no",
                "paid" if paid else "not_paid",
                order.get("name"),
                reversed_id,
                rate,
                untaxed,
                0,
                untaxed,
                residual,
                sign * company_amount,
                sign * untaxed,
                0,
                sign * company_amount,
                sign * untaxed,
                sign * round(residual / rate, 2),
                None,
                True,
                False,
                False,
                True,
                False,
                True,
                *self.audit(when),
            )
            income, receivable = accounts[company]
            for seq, (sol_id, product, qty, price, subtotal) in enumerate(lines, start=1):
                balance = -sign * round(subtotal / rate, 2)
                line_id = next(aml_ids)
                aml.add(
                    line_id,
                    move_id,
                    name,
                    journal.id,
                    company,
                    company_currency[company],
                    currency,
                    income,
                    order["partner"],
                    product[0],
                    product[2],
                    product[3],
                    "product",
                    seq * 10,
                    day,
                    day,
                    None,
                    "posted",
                    qty,
                    price,
                    subtotal,
                    subtotal,
                    0,
                    balance,
                    max(balance, 0),
                    max(-balance, 0),
                    -sign * subtotal,
                    0,
                    0,
                    False,
                    0,
                    *self.audit(when),
                )
                if sol_id and kind == "out_invoice":
                    rel.add(sol_id, line_id)
                    original[sol_id] = line_id
            aml.add(
                next(aml_ids),
                move_id,
                name,
                journal.id,
                company,
                company_currency[company],
                currency,
                receivable,
                order["partner"],
                None,
                None,
                name,
                "payment_term",
                1000,
                day,
                day,
                day + timedelta(days=30),
                "posted",
                1,
                0,
                0,
                0,
                0,
                sign * company_amount,
                max(sign * company_amount, 0),
                max(-sign * company_amount, 0),
                sign * untaxed,
                sign * round(residual / rate, 2),
                sign * residual,
                paid,
                0,
                *self.audit(when),
            )
            return move_id

        for order, name, moment, currency, rate, untaxed in invoices:
            order["name"] = name
            order["move_id"] = move(order, moment, currency, rate, untaxed, "out_invoice", order["line_ids"])
        for order, __, moment, currency, rate, untaxed in refunds:
            share = self.rng.choice([0.2, 0.5, 1.0])
            product = order["line_ids"][0][1]
            amount = round(untaxed * share, 2)
            later = moment + timedelta(days=self.rng.randint(15, 60))
            if later.date() > self.end:
                later = moment
            move(
                order,
                later,
                currency,
                rate,
                amount,
                "out_refund",
                [(None, product, 1, amount, amount)],
                reversed_id=order["move_id"],
            )
        am.send()
        aml.send()
        rel.send()
        self.counts.update(invoices=len(invoices), refunds=len(refunds))

    # activities and meetings

    def activities(self):
        env = self.env
        call, meeting = env.ref("mail.mail_activity_data_call"), env.ref("mail.mail_activity_data_meeting")
        email, todo = env.ref("mail.mail_activity_data_email"), env.ref("mail.mail_activity_data_todo")
        lead_model = env["ir.model"]._get_id("crm.lead")
        subtype = env.ref("mail.mt_activities").id
        done_types = [call, call, email, meeting, todo]
        open_rows = _Copy(
            env,
            "mail_activity",
            [
                "id",
                "res_model_id",
                "res_model",
                "res_id",
                "res_name",
                "activity_type_id",
                "summary",
                "date_deadline",
                "user_id",
                "automated",
                "active",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        done_rows = _Copy(
            env,
            "mail_message",
            [
                "id",
                "model",
                "res_id",
                "message_type",
                "subtype_id",
                "mail_activity_type_id",
                "body",
                "author_id",
                "date",
                "record_name",
                "is_internal",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        events = _Copy(
            env,
            "calendar_event",
            [
                "id",
                "name",
                "start",
                "stop",
                "start_date",
                "stop_date",
                "allday",
                "duration",
                "user_id",
                "res_model",
                "res_model_id",
                "res_id",
                "opportunity_id",
                "active",
                "privacy",
                "show_as",
                "create_uid",
                "create_date",
                "write_uid",
                "write_date",
            ],
        )
        attendees = _Copy(env, "calendar_event_res_partner_rel", ["calendar_event_id", "res_partner_id"])
        per_opportunity = 2 if len(self.opportunities) > 100_000 else 3
        msg_ids = iter(self.ids("mail_message", len(self.opportunities) * per_opportunity))
        open_count = sum(1 for o in self.opportunities if o[3] == "open")
        act_ids = iter(self.ids("mail_activity", open_count))
        meeting_share = 0.3
        event_ids = iter(self.ids("calendar_event", int(len(self.opportunities) * meeting_share) + 10))
        counts = {"activities_done": 0, "activities_open": 0, "meetings": 0}
        for lead_id, rep, created, status in self.opportunities:
            # diligence: strong reps log more activities and are more often on time
            for index in range(per_opportunity):
                kind = self.rng.choice(done_types)
                when = created + timedelta(days=index * 4 + self.rng.randint(0, 3), hours=self.rng.randint(1, 8))
                if when.date() > self.end:
                    continue
                late = self.rng.random() > min(0.9, 0.5 + rep["skill"] * 0.3)
                body = f"<p>{kind.name} done{' (late)' if late else ''}</p>"
                done_rows.add(
                    next(msg_ids),
                    "crm.lead",
                    lead_id,
                    "notification",
                    subtype,
                    kind.id,
                    body,
                    rep["partner"],
                    when,
                    None,
                    False,
                    *self.audit(when),
                )
                counts["activities_done"] += 1
            if status == "open":
                # the next step of an open deal is planned: in the coming days (signals() makes a few late)
                deadline = self.end + timedelta(days=self.rng.randint(1, 21))
                kind = self.rng.choice([call, email, meeting, todo])
                open_rows.add(
                    next(act_ids),
                    lead_model,
                    "crm.lead",
                    lead_id,
                    None,
                    kind.id,
                    f"Follow up ({kind.name})",
                    deadline,
                    rep["user"],
                    False,
                    True,  # open: Odoo reads only active activities
                    *self.audit(created),
                )
                counts["activities_open"] += 1
            if self.rng.random() < meeting_share and counts["meetings"] < len(self.opportunities) * meeting_share:
                start = created + timedelta(days=self.rng.randint(1, 20), hours=self.rng.randint(1, 6))
                if start.date() > self.end:
                    continue
                event_id = next(event_ids)
                events.add(
                    event_id,
                    "Customer visit",
                    start,
                    start + timedelta(hours=1),
                    None,
                    None,
                    False,
                    1.0,
                    rep["user"],
                    "crm.lead",
                    lead_model,
                    lead_id,
                    lead_id,
                    True,
                    "public",
                    "busy",
                    *self.audit(start),
                )
                attendees.add(event_id, rep["partner"])
                counts["meetings"] += 1
        for table in (open_rows, done_rows, events, attendees):
            table.send()
        # Odoo drops the activities of an archived record: none on the cancelled deals
        env.cr.execute(
            """DELETE FROM mail_activity a USING crm_lead l
                WHERE a.res_model = 'crm.lead' AND a.res_id = l.id AND a.active AND NOT l.active"""
        )
        counts["activities_open"] -= env.cr.rowcount
        self.counts.update(activities=counts["activities_done"] + counts["activities_open"], **counts)

    def behaviour(self):
        """What behaviour and satisfaction KPIs read: customer visits and monthly sales reports kept as
        done activities (on time or late by the rep's diligence), and customer satisfaction surveys
        answered after won deals. A random generator of its own keeps the sales data as it was."""
        env, rng = self.env, random.Random(self.seed + 1)
        visit = env.ref("spm_addon.mail_activity_type_spm_visit")
        report = env.ref("spm_addon.mail_activity_type_spm_report")
        lead_model = env["ir.model"]._get_id("crm.lead")
        employee_model = env["ir.model"]._get_id("hr.employee")
        survey = env.ref("spm_addon.spm_survey_satisfaction")
        question = survey.question_ids[:1]
        answers = {a.answer_score: a.id for a in question.suggested_answer_ids}
        done = _Copy(
            env,
            "mail_activity",
            [
                "id",
                "res_model_id",
                "res_model",
                "res_id",
                "activity_type_id",
                "summary",
                "date_deadline",
                "date_done",
                "spm_is_on_time",
                "user_id",
                "active",
                "automated",
                *AUDIT,
            ],
        )
        inputs = _Copy(
            env,
            "survey_user_input",
            [
                "id",
                "survey_id",
                "partner_id",
                "state",
                "end_datetime",
                "scoring_percentage",
                "scoring_total",
                "access_token",
                "spm_user_id",
                "test_entry",
                *AUDIT,
            ],
        )
        input_lines = _Copy(
            env,
            "survey_user_input_line",
            [
                "user_input_id",
                "survey_id",
                "question_id",
                "answer_type",
                "suggested_answer_id",
                "answer_score",
                "skipped",
                *AUDIT,
            ],
        )
        months = []
        month = self.start
        while month <= self.end:
            months.append(month)
            month = _add_months(month, 1)
        visits = [o for o in self.opportunities if rng.random() < 0.25]
        won = [o for o in self.opportunities if o[3] == "won" and rng.random() < 0.3]
        activity_ids = iter(self.ids("mail_activity", len(visits) + len(self.reps) * len(months)))
        input_ids = iter(self.ids("survey_user_input", len(won)))
        counts = dict.fromkeys(("visits", "reports", "surveys"), 0)

        def add_done(res_model_id, res_model, res_id, kind, summary, deadline, diligence, user):
            late = rng.random() > min(0.95, 0.45 + diligence * 0.35)
            done_on = deadline + timedelta(days=rng.randint(1, 6) if late else -rng.randint(0, 3))
            if done_on > self.end:
                return False
            moment = datetime.combine(done_on, datetime.min.time())
            done.add(
                next(activity_ids), res_model_id, res_model, res_id, kind.id, summary, deadline, done_on,
                not late, user, False, False, *self.audit(moment),
            )  # fmt: skip
            return True

        for lead_id, rep, created, _status in visits:
            deadline = created.date() + timedelta(days=rng.randint(2, 15))
            counts["visits"] += add_done(
                lead_model, "crm.lead", lead_id, visit, "Customer visit", deadline, rep["skill"], rep["user"]
            )
        for rep in self.reps:
            for month in months:
                deadline = _add_months(month, 1) + timedelta(days=4)
                counts["reports"] += add_done(
                    employee_model, "hr.employee", rep["employee"], report, f"Sales report {month:%Y-%m}",
                    deadline, rep["skill"], rep["user"],
                )  # fmt: skip
        for _lead_id, rep, created, _status in won:
            answered = created + timedelta(days=rng.randint(20, 60))
            if answered.date() > self.end:
                continue
            score = max(1, min(5, round(rng.gauss(3.2 + rep["skill"], 0.9))))
            customers = self.customers_by_company.get(rep["company"]) or next(iter(self.customers_by_company.values()))
            input_id = next(input_ids)
            inputs.add(
                input_id, survey.id, rng.choice(customers)[0], "done", answered, score * 20.0, score,
                f"spm-demo-{self.seed}-{input_id}", rep["user"], False, *self.audit(answered),
            )  # fmt: skip
            input_lines.add(
                input_id, survey.id, question.id, "suggestion", answers[score], score, False, *self.audit(answered)
            )
            counts["surveys"] += 1
        for table in (done, inputs, input_lines):
            table.send()
        self.counts.update(counts)

    def signals(self):
        """What the monitoring rules and the reports are to find in the demo, planted on top of the sales
        with a random generator of its own (the sales stay as they were, only moved): lost deals in the
        stage where they were lost, channels (UTM source and medium) on two opportunities in three and
        their orders, open deals that moved lately but a few stalled for months, a few regular customers
        who stopped buying, a salesperson whose sales stopped last month and a few whose customer visits
        dropped in the last weeks. Counts what it planted in ``signal_*``."""
        env, cr, rng = self.env, self.env.cr, random.Random(self.seed + 2)
        end = self.end
        # lost deals: spread over the stages where they were lost
        open_stages = env["crm.stage"].search([("is_won", "=", False)], order="sequence").ids
        lost = [lead_id for lead_id, _rep, _created, status in self.opportunities if status == "lost"]
        self._update("crm_lead", "stage_id", lost, [rng.choice(open_stages) for __ in lost])
        # channels: a source and a medium on two opportunities in three, and on their orders
        sources = [
            env.ref(f"utm.utm_source_{name}").id
            for name in ("search_engine", "mailing", "newsletter", "facebook", "linkedin")
        ]
        mediums = [env.ref(f"utm.utm_medium_{name}").id for name in ("website", "phone", "direct", "email")]
        tagged = [o[0] for o in self.opportunities if rng.random() < 2 / 3]
        self._update("crm_lead", "source_id", tagged, [rng.choice(sources) for __ in tagged])
        self._update("crm_lead", "medium_id", tagged, [rng.choice(mediums) for __ in tagged])
        cr.execute(
            """UPDATE sale_order so SET source_id = l.source_id, medium_id = l.medium_id
                 FROM crm_lead l WHERE l.id = so.opportunity_id AND l.id = ANY(%s)""",
            [tagged],
        )
        # open deals moved in the last three weeks, a few stalled for weeks or months (of those open since long)
        cr.execute(
            "SELECT id, create_date FROM crm_lead WHERE id = ANY(%s) AND active AND type = 'opportunity'",
            [[o[0] for o in self.opportunities if o[3] == "open"]],
        )
        created_of = dict(cr.fetchall())
        open_ids = [o[0] for o in self.opportunities if o[0] in created_of]
        company_of = {o[0]: o[1]["company"] for o in self.opportunities}
        user_of = {o[0]: o[1]["user"] for o in self.opportunities}
        # the few who need attention: in each company one salesperson in ten (at least one), the least
        # skilled of those with deals open for weeks, let deals stall, follow-ups slip and customers go; the
        # others keep their deals moving and their dates
        old_deals = {user_of[lead_id] for lead_id in open_ids if (end - created_of[lead_id].date()).days > 40}
        attention = set()
        for company in sorted({rep["company"] for rep in self.reps}):
            reps = sorted(
                (rep for rep in self.reps if rep["company"] == company),
                key=lambda rep: (rep["user"] not in old_deals, rep["skill"]),
            )
            attention.update(rep["user"] for rep in reps[: max(1, len(reps) // 10)])
        self.attention = attention
        self.rep_company = {rep["user"]: rep["company"] for rep in self.reps}
        stalled = set()
        for company in sorted({company_of[lead_id] for lead_id in open_ids}):
            mine = [lead_id for lead_id in open_ids if company_of[lead_id] == company]
            old = [
                lead_id for lead_id in mine
                if user_of[lead_id] in attention and (end - created_of[lead_id].date()).days > 40
            ]  # fmt: skip
            stalled.update(rng.sample(old, min(len(old), max(3, len(mine) // 50))))
        moved = []
        for lead_id in open_ids:
            created = created_of[lead_id]
            if lead_id in stalled:
                days = rng.randint(35, min(180, (end - created.date()).days))
            else:
                days = rng.randint(0, min(20, max((end - created.date()).days, 0)))
            moved.append(max(created, datetime.combine(end - timedelta(days=days), datetime.min.time())))
        self._update("crm_lead", "date_last_stage_update", open_ids, moved, "timestamp")
        # the follow-ups of the stalled deals, and of the open deals of those who need attention, are overdue
        # by one to four weeks
        late = [lead_id for lead_id in open_ids if lead_id in stalled or user_of[lead_id] in attention]
        self.env.cr.execute(
            "SELECT id FROM mail_activity WHERE res_model = 'crm.lead' AND res_id = ANY(%s) ORDER BY res_id, id",
            [late],
        )
        overdue = [row[0] for row in self.env.cr.fetchall()]
        deadlines = [end - timedelta(days=rng.randint(8, 28)) for __ in overdue]
        self._update("mail_activity", "date_deadline", overdue, deadlines, "date")
        self.counts.update(
            signal_attention=len(attention), signal_stalled_deals=len(stalled), signal_overdue_activities=len(overdue),
            signal_sourced_opportunities=len(tagged),
        )  # fmt: skip
        self._churn(rng)
        self._sales_drop(rng)
        self._visits_drop(rng)

    def _update(self, table, column, ids, values, kind="int"):
        """Set ``column`` of the rows ``ids`` of ``table`` to ``values``, in one statement."""
        if ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s t SET %s = v.value FROM unnest(%s::int[], %s::%s[]) AS v(id, value) WHERE t.id = v.id",
                    SQL.identifier(table), SQL.identifier(column), list(ids), list(values), SQL(kind),
                )
            )  # fmt: skip

    def _move_orders(self, order_ids, partner=None, user=None):
        """Give the orders ``order_ids`` (with their lines, opportunities and invoices) to ``partner`` or ``user``."""
        cr = self.env.cr
        if partner:
            cr.execute(
                """UPDATE sale_order SET partner_id = %(p)s, partner_invoice_id = %(p)s, partner_shipping_id = %(p)s
                    WHERE id = ANY(%(ids)s)""",
                {"p": partner, "ids": order_ids},
            )
            cr.execute(
                "UPDATE sale_order_line SET order_partner_id = %s WHERE order_id = ANY(%s)", [partner, order_ids]
            )
            cr.execute(
                "UPDATE crm_lead SET partner_id = %s WHERE id IN "
                "(SELECT opportunity_id FROM sale_order WHERE id = ANY(%s))",
                [partner, order_ids],
            )
            cr.execute(
                """UPDATE account_move m
                      SET partner_id = %(p)s, commercial_partner_id = %(p)s, partner_shipping_id = %(p)s
                     FROM sale_order so WHERE so.id = ANY(%(ids)s) AND m.invoice_origin = so.name
                      AND m.company_id = so.company_id""",
                {"p": partner, "ids": order_ids},
            )
            cr.execute(
                """UPDATE account_move_line l SET partner_id = %(p)s FROM account_move m, sale_order so
                    WHERE l.move_id = m.id AND so.id = ANY(%(ids)s) AND m.invoice_origin = so.name
                      AND m.company_id = so.company_id""",
                {"p": partner, "ids": order_ids},
            )
        if user:
            cr.execute("UPDATE sale_order SET user_id = %s WHERE id = ANY(%s)", [user, order_ids])
            cr.execute("UPDATE sale_order_line SET salesman_id = %s WHERE order_id = ANY(%s)", [user, order_ids])
            cr.execute(
                "UPDATE crm_lead SET user_id = %s WHERE id IN "
                "(SELECT opportunity_id FROM sale_order WHERE id = ANY(%s))",
                [user, order_ids],
            )
            cr.execute(
                """UPDATE account_move m SET invoice_user_id = %(u)s FROM sale_order so
                    WHERE so.id = ANY(%(ids)s) AND m.invoice_origin = so.name AND m.company_id = so.company_id""",
                {"u": user, "ids": order_ids},
            )

    def _churn(self, rng):
        """A few of the most regular customers stopped buying eight months ago: their orders since went to others."""
        cr, since = self.env.cr, self.end - timedelta(days=240)
        churned = 0
        for company, customers in sorted(self.customers_by_company.items()):
            ids = [pid for pid, _created in customers]
            cr.execute(
                """SELECT partner_id FROM sale_order WHERE state = 'sale' AND partner_id = ANY(%s) AND company_id = %s
                    GROUP BY partner_id HAVING COUNT(*) >= 4 AND MIN(date_order) < %s
                    ORDER BY COUNT(*) DESC, partner_id""",
                [ids, company, since - timedelta(days=120)],
            )
            churning = [row[0] for row in cr.fetchall()][: max(1, len(ids) // 100)]
            # they are the accounts of those who need attention (one of them each, in turn)
            watchers = sorted(user for user in self.attention if self.rep_company[user] == company)
            self._update(
                "res_partner", "user_id", churning, [watchers[i % len(watchers)] for i in range(len(churning))]
            )
            stopping = set(churning)
            others = [pid for pid in ids if pid not in stopping]
            for partner in churning:
                cr.execute(
                    "SELECT id FROM sale_order WHERE partner_id = %s AND date_order >= %s ORDER BY date_order, id",
                    [partner, since],
                )
                for (order_id,) in cr.fetchall():
                    self._move_orders([order_id], partner=rng.choice(others))
                churned += 1
        self.counts["signal_churned_customers"] = churned

    def _sales_drop(self, rng):
        """In each company, a salesperson of a team of several sold nothing last month: their orders went to a
        teammate. The steadiest seller of the year before is taken (the drop of the least noisy history
        stands out most)."""
        cr = self.env.cr
        last = self.end.replace(day=1)
        month = (last - timedelta(days=1)).replace(day=1)
        first = _add_months(month, -12)
        by_team = {}
        for rep in self.reps:
            by_team.setdefault(rep["team"], []).append(rep)
        cr.execute(
            """SELECT user_id, date_trunc('month', date_order)::date,
                      SUM(amount_untaxed / CASE COALESCE(currency_rate, 0) WHEN 0 THEN 1.0 ELSE currency_rate END)
                 FROM sale_order WHERE state = 'sale' AND date_order >= %s AND date_order < %s GROUP BY 1, 2""",
            [first, month],
        )
        history = {}
        for user, start, amount in cr.fetchall():
            history.setdefault(user, [0.0] * 12)[(start.year - first.year) * 12 + start.month - first.month] = amount
        drops = 0
        for company in sorted({rep["company"] for rep in self.reps}):
            candidates = [
                rep for _team, reps in sorted(by_team.items()) if len(reps) > 1 for rep in reps
                if rep["company"] == company and rep["user"] in history
            ]  # fmt: skip
            if not candidates:
                continue
            steadiness = [
                (monitoring.robust_z(0.0, history[rep["user"]]), index) for index, rep in enumerate(candidates)
            ]
            rep = candidates[min(steadiness)[1]]
            mate = rng.choice([other for other in by_team[rep["team"]] if other is not rep])
            cr.execute(
                "SELECT id FROM sale_order WHERE user_id = %s AND date_order >= %s AND date_order < %s",
                [rep["user"], month, last],
            )
            order_ids = [row[0] for row in cr.fetchall()]
            if order_ids:
                self._move_orders(order_ids, user=mate["user"])
            drops += 1
        self.counts["signal_sales_drops"] = drops

    def _visits_drop(self, rng):
        """Customer visits: one salesperson in ten of each company (at least one) visited three to five customers
        a week for the ten weeks before last week, and none since; the others visited last week at least as
        many customers as in their usual week of the eight before (the median), as steady people do."""
        env = self.env
        visit = env.ref("spm_addon.mail_activity_type_spm_visit")
        lead_model = env["ir.model"]._get_id("crm.lead")
        droppers = []
        for company in sorted({rep["company"] for rep in self.reps}):
            reps = [rep for rep in self.reps if rep["company"] == company]
            droppers += rng.sample(reps, max(1, len(reps) // 10))
        last_monday = self.end - timedelta(days=self.end.weekday() + 7)
        leads_of = {}
        for lead_id, rep, _created, _status in self.opportunities:
            leads_of.setdefault(rep["user"], []).append(lead_id)
        rows = []
        for rep in droppers:
            for week in range(1, 11):
                monday = last_monday - timedelta(weeks=week)
                for __ in range(rng.randint(3, 5)):
                    rows.append((rep, monday + timedelta(days=rng.randint(0, 4))))
        env.cr.execute(
            """DELETE FROM mail_activity WHERE activity_type_id = %s AND user_id = ANY(%s) AND date_done >= %s""",
            [visit.id, [rep["user"] for rep in droppers], last_monday],
        )
        # the others: last week as many visits as their usual week, the median of the eight before
        others = [rep for rep in self.reps if rep not in droppers]
        first = last_monday - timedelta(weeks=8)
        env.cr.execute(
            """SELECT user_id, date_done FROM mail_activity WHERE activity_type_id = %s AND user_id = ANY(%s)
                  AND NOT active AND date_done >= %s AND date_done < %s""",
            [visit.id, [rep["user"] for rep in others], first, last_monday + timedelta(days=7)],
        )
        weeks = {rep["user"]: [0] * 9 for rep in others}
        for user_id, day in env.cr.fetchall():
            weeks[user_id][(day - first).days // 7] += 1
        for rep in others:
            usual = math.ceil(statistics.median(weeks[rep["user"]][:8]))
            for __ in range(usual - weeks[rep["user"]][8]):
                rows.append((rep, last_monday + timedelta(days=rng.randint(0, 4))))
        done = _Copy(
            env,
            "mail_activity",
            ["id", "res_model_id", "res_model", "res_id", "activity_type_id", "summary", "date_deadline",
             "date_done", "spm_is_on_time", "user_id", "active", "automated", *AUDIT],
        )  # fmt: skip
        ids = iter(self.ids("mail_activity", len(rows)))
        for rep, day in rows:
            lead_id = rng.choice(leads_of.get(rep["user"]) or [None])
            if lead_id is None:
                continue
            moment = datetime.combine(day, datetime.min.time())
            done.add(
                next(ids), lead_model, "crm.lead", lead_id, visit.id, "Customer visit", day, day, True, rep["user"],
                False, False, *self.audit(moment),
            )  # fmt: skip
        done.send()
        self.counts.update(signal_visit_drops=len(droppers), signal_visits=done.count)

    def _step(self, message, started):
        self.log(f"{message} ({time.perf_counter() - started:.0f} s)")

    def run(self):
        started = time.perf_counter()
        env = self.env
        env.flush_all()
        companies = self.companies()
        self.products()
        env.flush_all()
        self._step("companies and products ready", started)
        self.people(companies)
        self._step(f"{self.counts['reps']} salespeople in {self.counts['teams']} teams", started)
        self.customers(companies)
        self._step(f"{self.counts['customers']} customers", started)
        self.sales(companies)
        self._step(
            f"{self.counts['order_lines']} order lines ({self.counts['confirmed_order_lines']} confirmed), "
            f"{self.counts['invoices']} invoices",
            started,
        )
        self.activities()
        self._step("activities and meetings", started)
        self.behaviour()
        self._step("visits, reports and surveys", started)
        self.signals()
        self._step("signals for the monitoring rules and reports", started)
        for table in (
            "res_partner",
            "res_users",
            "hr_employee",
            "sale_order",
            "sale_order_line",
            "crm_lead",
            "account_move",
            "account_move_line",
            "mail_message",
            "mail_activity",
            "calendar_event",
            "survey_user_input",
        ):
            env.cr.execute(f"ANALYZE {table}")
        env.invalidate_all()
        env.registry.clear_cache()
        env["ir.config_parameter"].set_param(MARKER, str(self.seed))
        self.counts["seconds"] = round(time.perf_counter() - started, 1)
        return self.counts


def generate(env, seed=42, scale="small", end_date=None, reps=None, order_lines=None, companies=None, log=print):
    """Generate demo data; returns the counts of what was created and the time it took. Refused at once on
    a database that has the demo's people already (their logins are taken): nothing is written."""
    taken = env["res.users"].with_context(active_test=False).search([("login", "=like", "%@demo.example")], limit=1)
    if taken:
        raise UserError(
            env._(
                "This database already has the demo's people (%(login)s): generate the demo data into a new "
                "database.",
                login=taken.login,
            )
        )
    params = dict(SCALES[scale])
    if companies:
        params["companies"] = companies
    if reps:
        params["reps"] = reps
        params["teams"] = max(1, min(params["teams"], reps // 5))
    if order_lines:
        params["order_lines"] = order_lines
    return Generator(env, seed, params, end_date or date.today(), log).run()
