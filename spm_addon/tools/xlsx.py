"""Workbooks handed to the browser: stored as an attachment only their author can read, downloaded once."""

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_action(record, filename, content):
    """An act_url downloading ``content`` (xlsx bytes) made from ``record`` for the current user.

    Whoever may read ``record`` may export what they see of it: the caller exports only what the user
    may read. The attachment is created as superuser (``sudo()`` keeps the user as its author) and is
    not linked to the record, so that it does not show in the record's chatter: Odoo lets only its
    author read an attachment without a record, and what one user may see stays theirs.
    """
    record.check_access("read")
    attachment = (
        record.env["ir.attachment"]
        .sudo()
        .create({"name": filename, "raw": content, "res_model": record._name, "mimetype": XLSX_MIMETYPE})
    )
    return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}
