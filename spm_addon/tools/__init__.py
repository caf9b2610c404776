from . import access
from . import bulk
from . import ratios
from . import xlsx
