"""Ratios of grouped rows, as pivots, graphs and grouped lists show them.

A group's attainment is the sum of its actuals over the sum of its targets, never the average of its
rows' percentages: 100/200 and 200/300 are 300/500 = 60 %, not (50 % + 66.7 %) / 2 = 58.3 %.
A model lists its ratio fields as ``{field: (numerator, denominator, factor)}`` and calls
:func:`select` from its ``_read_group_select``.
"""

from odoo.tools import SQL

# the aggregates a client asks a ratio field for (its aggregator, or a sum picked by hand)
GROUP_FUNCTIONS = ("avg", "sum")


def select(model, ratios, aggregate_spec, query):
    """The SQL of ``aggregate_spec`` (``"field:func"``) when it is a ratio of ``ratios``, else None."""
    fname, _sep, func = aggregate_spec.partition(":")
    if fname not in ratios or func not in GROUP_FUNCTIONS:
        return None
    numerator, denominator, factor = ratios[fname]
    return SQL(
        "SUM(%s)::float / NULLIF(SUM(%s), 0) * %s",
        model._field_to_sql(model._table, numerator, query),
        model._field_to_sql(model._table, denominator, query),
        factor,
    )
