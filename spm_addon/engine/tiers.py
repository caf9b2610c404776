"""Tiered rates: validation and payout of progressive and retroactive tiers.

A tier is ``(lower, upper, rate)``: it covers ``lower <= x < upper`` (``upper`` None = no limit)
and ``rate`` is a fraction (0.05 = 5 %). Tiers are measured on attainment (%) or on an amount.
"""


class TierError(ValueError):
    """Tiers that overlap, leave a gap, or carry a negative rate."""


def check_tiers(tiers):
    """Raise TierError unless tiers start at 0, are contiguous, and only the last is open."""
    tiers = sorted(tiers, key=lambda t: t[0])
    if not tiers:
        raise TierError("no tiers")
    if tiers[0][0] != 0:
        raise TierError(f"the first tier must start at 0, not {tiers[0][0]}")
    for i, (lower, upper, rate) in enumerate(tiers):
        if rate < 0:
            raise TierError(f"tier {lower}-{upper}: negative rate {rate}")
        if upper is not None and upper <= lower:
            raise TierError(f"tier {lower}-{upper}: its upper bound must be above its lower bound")
        if upper is None and i != len(tiers) - 1:
            raise TierError(f"tier {lower}-: only the last tier may be open-ended")
        if i:
            prev_upper = tiers[i - 1][1]
            if lower < prev_upper:
                raise TierError(f"tiers overlap between {prev_upper} and {lower}")
            if lower > prev_upper:
                raise TierError(f"tiers leave a gap between {prev_upper} and {lower}")
    return tiers


def progressive(base, measure, tiers):
    """Each tier's rate applies to the part of ``base`` that falls inside it.

    ``measure`` is where the rep stands on the tier scale (attainment % or amount); the part of
    ``base`` inside a tier is ``base`` times the share of ``measure`` inside it. Returns the total
    and one ``(lower, upper, rate, part, amount)`` per tier reached.
    """
    tiers = check_tiers(tiers)
    if measure <= 0 or base == 0:
        return 0.0, []
    rows = []
    total = 0.0
    for lower, upper, rate in tiers:
        if measure <= lower:
            break
        top = measure if upper is None else min(measure, upper)
        part = base * (top - lower) / measure
        amount = part * rate
        rows.append((lower, upper, rate, part, amount))
        total += amount
    return total, rows


def retroactive(base, measure, tiers):
    """The rate of the tier reached applies to all of ``base``."""
    tiers = check_tiers(tiers)
    for lower, upper, rate in tiers:
        if lower <= measure and (upper is None or measure < upper):
            return base * rate, [(lower, upper, rate, base, base * rate)]
    return 0.0, []


def apply_gate_and_cap(amount, measure, gate=None, cap=None):
    """Nothing below the gate (on the tier scale); at most ``cap`` (an amount)."""
    if gate is not None and measure < gate:
        return 0.0
    if cap is not None and amount > cap:
        return cap
    return amount
