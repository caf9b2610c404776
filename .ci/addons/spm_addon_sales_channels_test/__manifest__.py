{  # noqa: B018 (a manifest)
    "name": "Sales Performance Management - sales channels (test only)",
    "summary": "Test of bin/spm-checks wide: a POS order and a website order counted where the measure says so",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "spm_addon",
    "license": "LGPL-3",
    "depends": ["spm_addon", "pos_sale", "website_sale"],
    "installable": True,
}
