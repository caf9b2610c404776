from . import spm_quota_line_adjust
