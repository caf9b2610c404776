{
    "name": "Sales Performance Management - Skills",
    "summary": "Courses tied to the skills they teach; completed trainings on the employee's resume and skills",
    "version": "18.0.1.1.0",
    "category": "Hidden",
    "author": "spm_addon",
    "license": "LGPL-3",
    "depends": ["spm_addon", "hr_skills"],
    "data": ["data/hr_resume_data.xml", "views/spm_training_course_views.xml"],
    "auto_install": True,
    "installable": True,
}
