{
    "name": "Sales Performance Management - eLearning",
    "summary": "eLearning courses in the training catalogue, followed and completed from their progress",
    "version": "18.0.1.1.0",
    "category": "Hidden",
    "author": "spm_addon",
    "license": "LGPL-3",
    "depends": ["spm_addon", "website_slides"],
    "data": ["views/spm_training_course_views.xml", "views/spm_training_enrolment_views.xml"],
    "auto_install": True,
    "installable": True,
}
