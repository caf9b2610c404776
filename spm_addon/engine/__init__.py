"""Pure arithmetic of spm_addon: no Odoo import here.

Allocation, rounding, pacing, tiers and scoring curves work on plain numbers and dates so that
quotas, KPIs and commissions share one tested implementation.
"""

from . import allocation, attainment, curves, forecast, monitoring, pacing, periods, series, tiers, training_effect
