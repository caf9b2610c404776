/** @odoo-module **/

import { localization } from "@web/core/l10n/localization";
import { registry } from "@web/core/registry";
import { floatField, FloatField } from "@web/views/fields/float/float_field";

/**
 * A rate or a weight as people write it: without trailing zeros after the decimal point (2.5 %, 6.25 %,
 * 4 %, not 2.5000 %), in the user's own number format. Odoo's float_without_trailing_zeros removes
 * only decimals that are all zeros.
 */
export class TrimmedFloatField extends FloatField {
    get formattedValue() {
        const value = super.formattedValue;
        const point = localization.decimalPoint;
        const index = value.lastIndexOf(point);
        if (index < 0) {
            return value;
        }
        const decimals = value.slice(index + point.length).replace(/0+$/, "");
        return decimals ? value.slice(0, index + point.length) + decimals : value.slice(0, index);
    }
}

registry.category("fields").add("spm_trimmed_float", { ...floatField, component: TrimmedFloatField });
