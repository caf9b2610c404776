from . import spm_quota_line_adjust
from . import spm_payout_simulate
