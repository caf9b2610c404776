from . import spm_quota_report
from . import spm_customer_report
from . import spm_customer_rfm_report
from . import spm_funnel_report
from . import spm_attainment_report
