/** @odoo-module **/

import { registry } from "@web/core/registry";
import { floatField, FloatField } from "@web/views/fields/float/float_field";
import { monetaryField, MonetaryField } from "@web/views/fields/monetary/monetary_field";

/**
 * A cap where 0 means "no cap" (an attainment cap, an amount cap): read, 0 shows the view's placeholder
 * ("No cap") instead of "0.00", which reads as capped at 0; edited, the input is blank with the
 * placeholder. Clearing the input stores 0 again; any other number is kept as is.
 */
function noCapValue(field, formatted) {
    if (field.value) {
        return formatted;
    }
    return field.props.readonly ? field.props.placeholder || "" : "";
}

export class NoCapField extends FloatField {
    get formattedValue() {
        return noCapValue(this, super.formattedValue);
    }
}

export class NoCapMonetaryField extends MonetaryField {
    get formattedValue() {
        return noCapValue(this, super.formattedValue);
    }
}

registry.category("fields").add("spm_no_cap", { ...floatField, component: NoCapField });
registry.category("fields").add("spm_no_cap_monetary", { ...monetaryField, component: NoCapMonetaryField });
