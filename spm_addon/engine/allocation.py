"""Split a whole into parts that sum to it exactly."""

from decimal import Decimal


def _quantum(digits):
    return Decimal(1).scaleb(-digits)


def largest_remainder(total, weights, digits=2):
    """Split ``total`` in proportion to ``weights``, rounded to ``digits`` decimals.

    The parts always sum to ``total`` rounded to ``digits``: each part is first rounded down, then
    the units left over go to the parts with the largest remainders (ties: the earlier part).
    All-zero weights split equally. Negative weights are refused.

    >>> largest_remainder(100, [1, 1, 1], 2)
    [33.34, 33.33, 33.33]
    """
    weights = [Decimal(str(w)) for w in weights]
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    # exact integer arithmetic: the total in units of the last digit, the weights scaled to integers
    units = int(Decimal(str(total)).quantize(_quantum(digits)).scaleb(digits))
    scale = max(0, *(-w.as_tuple().exponent for w in weights))
    ints = [int(w.scaleb(scale)) for w in weights]
    weight_sum = sum(ints)
    if weight_sum == 0:
        ints, weight_sum = [1] * len(ints), len(ints)
    floors = [units * w // weight_sum for w in ints]
    remainders = [units * w % weight_sum for w in ints]
    units_left = units - sum(floors)
    order = sorted(range(len(ints)), key=lambda i: (-remainders[i], i))
    for i in order[:units_left]:
        floors[i] += 1
    unit = 10**digits
    return [f / unit for f in floors]


def split_equal(total, count, digits=2):
    """Split ``total`` into ``count`` equal parts that sum to it exactly."""
    return largest_remainder(total, [1] * count, digits)


def history_weights(history, growth_rate=0.0, fallback=None):
    """Weights from history amounts, with ``growth_rate`` (0.15 = +15 %) applied.

    A growth rate scales every part alike, so it changes totals, not shares; it is kept here so
    that the suggested total (``sum(history) * (1 + growth)``) and the shares come from one place.
    Parts with no history (new hires) get ``fallback`` (default: the average of the others).
    """
    history = [max(float(h or 0.0), 0.0) for h in history]
    known = [h for h in history if h > 0]
    if fallback is None:
        fallback = (sum(known) / len(known)) if known else 1.0
    return [(h if h > 0 else fallback) * (1.0 + growth_rate) for h in history]


def seasonal_weights(monthly_history):
    """Weights of each period from history; all-zero history gives equal weights."""
    values = [max(float(v or 0.0), 0.0) for v in monthly_history]
    if not any(values):
        return [1.0] * len(values)
    return values


def rollup(children):
    """Bottom-up total of child targets."""
    return round(sum(float(c or 0.0) for c in children), 6)


def proportional(total, weights, digits=2):
    """Split ``total`` in proportion to signed ``weights`` (a refund weighs negative), rounded to
    ``digits`` decimals, the parts summing exactly to ``total``: the rounding residue goes to the
    largest part. Zero-sum weights give zero parts."""
    weight_sum = sum(weights)
    if not weights or not weight_sum:
        return [0.0] * len(weights)
    parts = [round(total * w / weight_sum, digits) for w in weights]
    residue = round(round(total, digits) - sum(parts), digits)
    if residue:
        biggest = max(range(len(parts)), key=lambda i: abs(parts[i]))
        parts[biggest] = round(parts[biggest] + residue, digits)
    return parts
