import { registry } from "@web/core/registry";

const CAPS = ["cap_amount", "attainment_cap"];

function blankWithNoCap(name) {
    return {
        content: `${name} at 0 is blank with "No cap", not 0.00`,
        trigger: `.o_field_widget[name="${name}"] input[placeholder="No cap"]`,
        run() {
            if (this.anchor.value !== "") {
                throw new Error(`${name} reads "${this.anchor.value}" instead of being blank`);
            }
        },
    };
}

/** A plan's caps at 0 mean no cap: edited, blank with "No cap"; read, "No cap"; the amount cap says it is an amount. */
registry.category("web_tour.tours").add("spm_no_cap_tour", {
    steps: () => [
        { content: "The amount cap is named as an amount", trigger: '.o_form_label:contains("Amount Cap")' },
        ...CAPS.map(blankWithNoCap),
    ],
});

registry.category("web_tour.tours").add("spm_no_cap_readonly_tour", {
    steps: () =>
        CAPS.map((name) => ({
            content: `${name} of a closed plan reads "No cap"`,
            trigger: `.o_field_widget[name="${name}"]:contains("No cap"):not(:has(input))`,
        })),
});
