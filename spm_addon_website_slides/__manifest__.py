{
    "name": "Sales Performance Management - eLearning",
    "summary": "eLearning courses in the Sales Performance training catalogue, completed from the course's progress",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "website": "https://github.com/spm-addon/spm_addon",
    "author": "spm_addon",
    "license": "LGPL-3",
    "depends": ["spm_addon", "website_slides"],
    "data": ["views/spm_training_course_views.xml"],
    "auto_install": True,
    "installable": True,
}
