from . import spm_quota_report
