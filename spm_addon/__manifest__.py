{
    "name": "Sales Performance Management",
    "summary": "Quota cascades, KPI appraisals, incentive plans and payouts for sales teams",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales Performance",
    "website": "https://github.com/spm-addon/spm_addon",
    "author": "spm_addon",
    "license": "LGPL-3",
    "application": True,
    "depends": ["crm", "sale_management", "hr", "web_hierarchy"],
    "data": [
        "security/spm_security.xml",
        "security/ir.model.access.csv",
    ],
    "installable": True,
}
