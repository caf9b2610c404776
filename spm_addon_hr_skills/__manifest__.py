{
    "name": "Sales Performance Management - Resume",
    "summary": "Completed trainings of Sales Performance Management on the employee's resume",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/spm-addon/spm_addon",
    "author": "spm_addon",
    "license": "LGPL-3",
    "depends": ["spm_addon", "hr_skills"],
    "data": ["data/hr_resume_data.xml"],
    "auto_install": True,
    "installable": True,
}
