from . import test_elearning
