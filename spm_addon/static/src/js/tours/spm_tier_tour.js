import { registry } from "@web/core/registry";

const TOP_UPPER = '.o_field_widget[name="tier_ids"] .o_data_row:last td[name="upper"]';

/** The top tier's "To" is blank with "No limit" (0 = no upper limit), and stays editable. */
registry.category("web_tour.tours").add("spm_tier_tour", {
    steps: () => [
        {
            content: "The top tier's upper bound is blank, not 0.00",
            trigger: `${TOP_UPPER}`,
            run() {
                const text = this.anchor.textContent.trim();
                if (text !== "") {
                    throw new Error(`The top tier's "To" reads "${text}" instead of being blank`);
                }
            },
        },
        {
            content: "Edit the top tier's upper bound",
            trigger: `${TOP_UPPER}`,
            run: "click",
        },
        {
            content: "The input is empty and says there is no limit",
            trigger: `${TOP_UPPER} input[placeholder="No limit"]`,
            run: "edit 250",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The top tier now ends at 250",
            trigger: `${TOP_UPPER}:contains("250.00")`,
        },
        {
            content: "Edit it again",
            trigger: `${TOP_UPPER}`,
            run: "click",
        },
        {
            content: "Clear it: no upper limit again",
            trigger: `${TOP_UPPER} input`,
            run: "clear",
        },
        {
            content: "Save again",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
