from . import access
from . import bulk
from . import explain
from . import ratios
from . import xlsx
