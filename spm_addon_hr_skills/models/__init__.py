from . import hr_resume_line
from . import spm_training_course
from . import spm_training_enrolment
