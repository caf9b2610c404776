from . import access
from . import bulk
from . import xlsx
