from . import bulk
from . import xlsx
