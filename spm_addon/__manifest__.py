{
    "name": "Sales Performance Management",
    "summary": "Quota cascades, KPI appraisals, incentive plans and payouts for sales teams",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Performance",
    "website": "https://github.com/spm-addon/spm_addon",
    "author": "spm_addon",
    "license": "LGPL-3",
    "application": True,
    "depends": ["base_import", "crm", "sale_management", "hr", "web_hierarchy"],
    "data": [
        "security/spm_security.xml",
        "security/ir.model.access.csv",
        "data/spm_measure_data.xml",
        "data/spm_quota_data.xml",
        "views/spm_measure_views.xml",
        "views/spm_quota_line_views.xml",
        "views/spm_quota_plan_views.xml",
        "views/spm_quota_adjustment_views.xml",
        "views/spm_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "spm_addon/static/src/js/tours/*.js",
        ],
    },
    "installable": True,
}
