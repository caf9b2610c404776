"""Clawbacks of a reopened period.

A document a locked run paid stops counting (a cancelled order, a credit note on a paid invoice):
the period it was paid in is reopened and its commission recomputed on the net credited total, with
the plan's tiers, gate and caps and the period's target. The difference with what was paid (the
period's commission and the clawbacks already locked) is clawed back, spread over the documents
removed now in proportion to their credited value.
"""

from .allocation import largest_remainder


def net_credited(credited, earlier_removed, removed):
    """What still counts of a period that credited ``credited``: minus the values clawed back by
    earlier locked runs and the values removed now."""
    return credited - sum(earlier_removed) - sum(removed)


def reopened_period(paid, recomputed, removed, digits=2):
    """Clawback parts of a reopened period, one per removed document (``removed``: their credited
    values, positive), summing exactly to ``recomputed - paid`` rounded to ``digits`` (largest
    remainder). A removal never pays more: when the recomputation is not below what was paid (the
    plan's rates were raised since), every part is 0."""
    taken = max(round(paid - recomputed, digits), 0.0)
    return [-part if part else 0.0 for part in largest_remainder(taken, removed, digits)]
