"""Server-side permission checks of the addon's buttons.

Every button is callable over RPC by anyone who can read its record, and the context is the client's
to set: a button checks the caller's group here, then calls a private method that may use ``sudo()``.
"""

from odoo.exceptions import AccessError

GROUPS = {
    "user": "spm_addon.group_spm_user",
    "manager": "spm_addon.group_spm_manager",
    "finance": "spm_addon.group_spm_finance",
    "admin": "spm_addon.group_spm_admin",
}


def require(env, role, message):
    """Raise AccessError(``message``) unless the current user has the SPM ``role`` (a key of GROUPS)
    or runs as superuser (server code, never a client)."""
    if env.su or env.user.has_group(GROUPS[role]):
        return
    raise AccessError(message)


def has(env, role):
    """Whether the current user has the SPM ``role`` (or runs as superuser)."""
    return env.su or env.user.has_group(GROUPS[role])


def field_labels(model, names):
    """The labels of the fields ``names`` of ``model`` as the user reads them, sorted: what a refusal names."""
    return sorted(model._fields[name]._description_string(model.env) for name in names)
