from . import spm_measure
from . import spm_quota_line
from . import spm_quota_adjustment
from . import spm_quota_plan
