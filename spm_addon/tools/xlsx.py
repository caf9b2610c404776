"""Workbooks handed to the browser: stored as an attachment of the record, downloaded once."""

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_action(record, filename, content):
    """An act_url downloading ``content`` (xlsx bytes), kept as an attachment of ``record``."""
    attachment = record.env["ir.attachment"].create(
        {"name": filename, "raw": content, "res_model": record._name, "res_id": record.id, "mimetype": XLSX_MIMETYPE}
    )
    return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}
