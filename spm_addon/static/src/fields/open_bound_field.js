/** @odoo-module **/

import { registry } from "@web/core/registry";
import { floatField, FloatField } from "@web/views/fields/float/float_field";

/**
 * A number where 0 means "no limit" (the top tier's upper bound): shown blank, with the view's
 * placeholder, instead of "0.00". Clearing the input stores 0 again; any other number is kept as is.
 */
export class OpenBoundField extends FloatField {
    get formattedValue() {
        return this.value ? super.formattedValue : "";
    }
}

registry.category("fields").add("spm_open_bound", { ...floatField, component: OpenBoundField });
