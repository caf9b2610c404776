from . import test_install_security
from . import test_quota_allocation
from . import test_quota_attainment
from . import test_quota_rules
from . import test_quota_export_import
from . import test_quota_tour
from . import test_populate
from . import test_i18n
