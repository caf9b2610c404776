from . import slide_channel_partner
from . import spm_training_course
from . import spm_training_enrolment
