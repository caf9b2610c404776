"""How a payout was computed, stored as data and read in words in the reader's language.

A payout statement or line keeps its explanation in ``rule_data``: a list of parts ``[key, {name:
value}]`` whose values are plain numbers, ids or nested parts, never text. ``PARTS`` gives each key
its untranslated source string and the kind of each of its values; ``Renderer`` turns the data into
words at read time in the language of its environment, money in the run's currency, percentages with
" %", and each distinct explanation once (a million lines of an export share a few hundred).
"""

import json

from odoo.tools import format_amount
from odoo.tools.misc import formatLang
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

PCT, MONEY, NUMBER, PART = "pct", "money", "number", "part"
# values that are ids, read as the record's name: {kind: model}; "doc" is a [model, id] pair
NAMES = {"spif": "spm.incentive.spif", "grade": "spm.appraisal.grade", "run": "spm.payout.run"}
DOC = "doc"

# key: (source string, {value name: kind})
PARTS = {
    # a statement: the plan's rates, categories, caps and gate
    "flat": (_lt("%(rate)s on %(base)s (flat rate)"), {"rate": PCT, "base": MONEY}),
    "tier_part": (_lt("%(rate)s on %(part)s, the part %(range)s"), {"rate": PCT, "part": MONEY, "range": PART}),
    "tier_all": (_lt("%(rate)s on all %(part)s: tier %(range)s reached"), {"rate": PCT, "part": MONEY, "range": PART}),
    "range_pct": (_lt("from %(lower)s to %(upper)s of target"), {"lower": PCT, "upper": PCT}),
    "range_pct_open": (_lt("from %(lower)s of target"), {"lower": PCT}),
    "range_amount": (_lt("from %(lower)s to %(upper)s credited"), {"lower": MONEY, "upper": MONEY}),
    "range_amount_open": (_lt("from %(lower)s credited"), {"lower": MONEY}),
    "categ_extra": (_lt("%(amount)s from category rates"), {"amount": MONEY}),
    "attainment_cap": (_lt("attainment capped at %(cap)s"), {"cap": PCT}),
    "gate_pct": (_lt("below the gate of %(gate)s of target: nothing paid"), {"gate": PCT}),
    "gate_amount": (_lt("below the gate of %(gate)s credited: nothing paid"), {"gate": MONEY}),
    "cap": (_lt("capped at %(cap)s"), {"cap": MONEY}),
    # a plan's tier, in its list and chatter
    "tier_pct": (_lt("%(lower)s to %(upper)s"), {"lower": PCT, "upper": PCT}),
    "tier_pct_open": (_lt("%(lower)s and above"), {"lower": PCT}),
    "tier_amount": (_lt("%(lower)s to %(upper)s"), {"lower": MONEY, "upper": MONEY}),
    "tier_amount_open": (_lt("%(lower)s and above"), {"lower": MONEY}),
    # a line: what it says beyond its statement
    "line": (_lt("%(rate)s commission"), {"rate": PCT}),
    "split": (_lt("Split credit: %(rate)s commission"), {"rate": PCT}),
    "categ_rate": (_lt("Category rate %(rate)s"), {"rate": PCT}),
    "spif": (
        _lt("SPIF %(spif)s: %(quantity)s x %(amount)s"),
        {"spif": "spif", "quantity": NUMBER, "amount": MONEY},
    ),
    "bonus": (_lt("Bonus for grade %(grade)s"), {"grade": "grade"}),
    "clawback": (
        _lt(
            "Clawback: reverses %(document)s. %(run)s recomputed on %(net)s credited: %(amount)s instead of "
            "%(paid)s paid"
        ),
        {"document": DOC, "run": "run", "net": MONEY, "amount": MONEY, "paid": MONEY},
    ),
    "dispute": (_lt("Accepted dispute on %(reference)s"), {"reference": DOC}),
    "override": (_lt("Team leader override: %(rate)s of the team member's credit"), {"rate": PCT}),
    "draw": (_lt("Draw: commission topped up to %(draw)s"), {"draw": MONEY}),
    "recovery": (_lt("Recovery of earlier draws (%(outstanding)s outstanding)"), {"outstanding": MONEY}),
}
# between the parts of an explanation (a term with words: Odoo's extractor skips bare punctuation)
SEPARATOR = _lt("%(part)s; %(next)s")


def part(key, **values):
    """One part of an explanation (checked against ``PARTS``, so that a typo fails at compute time)."""
    assert key in PARTS and set(values) == set(PARTS[key][1]), (key, values)
    return [key, values]


def dumps(parts):
    """The JSON text of an explanation, as it is stored (the same parts give the same text)."""
    return json.dumps(parts, separators=(",", ":"))


def tier_range(lower, upper, basis):
    """The part of a tier's range (``upper`` None or 0: open-ended) inside a statement's explanation."""
    kind = "pct" if basis == "attainment" else "amount"
    if upper:
        return part(f"range_{kind}", lower=lower, upper=upper)
    return part(f"range_{kind}_open", lower=lower)


class Renderer:
    """Explanations in words, in the language of ``env``, money in ``currency``: each distinct
    explanation is rendered once (``render`` takes the parts or their JSON text, as the database
    returns it)."""

    def __init__(self, env, currency):
        self.env = env
        self.lang = env.lang or "en_US"
        self.currency = currency
        self.texts = {}
        self.separator = SEPARATOR._translate(self.lang) % {"part": "", "next": ""}
        self.sources = {}
        self.names = {}

    def render(self, data):
        if not data:
            return ""
        key = data if isinstance(data, str) else dumps(data)
        text = self.texts.get(key)
        if text is None:
            parts = json.loads(data) if isinstance(data, str) else data
            text = self.texts[key] = self.separator.join(self._part(item) for item in parts)
        return text

    def _part(self, item):
        key, values = item
        if key not in PARTS:  # written by another version of the addon
            return "-"
        source = self.sources.get(key)
        if source is None:
            source = self.sources[key] = PARTS[key][0]._translate(self.lang)
        kinds = PARTS[key][1]
        values = {name: self._value(kinds.get(name, NUMBER), value) for name, value in values.items()}
        for text in (source, PARTS[key][0]._source):  # the source when a translation does not fit
            try:
                return text % values
            except (KeyError, TypeError, ValueError):
                continue
        return "-"  # data of another version of the addon

    def _value(self, kind, value):
        if kind == PCT:
            return self.percent(value)
        if kind == MONEY:
            return format_amount(self.env, value, self.currency) if self.currency else self.number(value)
        if kind == NUMBER:
            return self.number(value)
        if kind == PART:
            return self._part(value)
        return self._name(kind, value)

    def number(self, value, digits=4):
        """``value`` with the language's separators and no trailing zeros (up to ``digits`` decimals)."""
        value = round(value, digits)
        shown = next(d for d in range(digits + 1) if round(value, d) == value)
        return formatLang(self.env, value, digits=shown)

    def percent(self, value):
        return f"{self.number(value)} %"

    def _name(self, kind, value):
        model, res_id = value if kind == DOC else (NAMES[kind], value)
        name = self.names.get((model, res_id))
        if name is None:
            if model not in self.env or not res_id:
                return "-"
            record = self.env[model].sudo().with_context(active_test=False).browse(res_id).exists()
            name = self.names[model, res_id] = record.display_name if record else f"{model},{res_id}"
        return name
