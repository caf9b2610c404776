from odoo import Command


class NoCodeMixin:
    """What an admin configures without code, made in a test as they would make it: custom fields
    (Settings > Technical > Fields), default values, automation rules (base_automation), tracking.

    Creating a custom field changes the registry: the changes are undone after each test."""

    def _reset_registry_after(self):
        self.addCleanup(self.registry.reset_changes)
        self.addCleanup(self.registry.clear_all_caches)

    def _custom_field(self, model, name, ttype="char", required=False, default=None, depends=None, compute=None):
        """A custom field x_... on ``model``; ``default`` becomes an ir.default, as the field form sets it."""
        self._reset_registry_after()
        vals = {
            "name": name,
            "field_description": name.replace("x_", "").replace("_", " ").title(),
            "model_id": self.env["ir.model"]._get_id(model),
            "ttype": ttype,
            "state": "manual",
            "required": required,
        }
        if compute:
            vals.update(depends=depends, compute=compute, store=True, readonly=True)
        if default is not None:
            # a required field is added to a table with rows: give them the default first, as Odoo asks
            field = self.env["ir.model.fields"].create({**vals, "required": False})
            self.env["ir.default"].set(model, name, default)
            self.env.cr.execute(f'UPDATE "{self.env[model]._table}" SET "{name}" = %s', [default])
            if required:
                field.required = True
            return field
        return self.env["ir.model.fields"].create(vals)

    def _automation(self, model, trigger="on_create_or_write", fields=(), counter=None, code=None):
        """An automation rule counting the records it runs on in the system parameter ``counter``."""
        counter = counter or f"spm_test.{model}.{trigger}"
        code = code or (
            "param = env['ir.config_parameter'].sudo()\n"
            f"param.set_param('{counter}', int(param.get_param('{counter}', 0)) + len(records))"
        )
        automation = self.env["base.automation"].create(
            {
                "name": f"Count {trigger} on {model}",
                "model_id": self.env["ir.model"]._get_id(model),
                "trigger": trigger,
                "trigger_field_ids": [
                    Command.set([self.env["ir.model.fields"]._get(model, name).id for name in fields])
                ],
            }
        )
        automation.action_server_ids = [
            Command.create(
                {
                    "name": f"Count on {model}",
                    "model_id": automation.model_id.id,
                    "state": "code",
                    "code": code,
                    "usage": "base_automation",
                }
            )
        ]
        return counter

    def _fired(self, counter):
        return int(self.env["ir.config_parameter"].sudo().get_param(counter, 0))
