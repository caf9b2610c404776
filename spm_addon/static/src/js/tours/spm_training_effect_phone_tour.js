import { registry } from "@web/core/registry";
import { fitsTheScreen, inView } from "@spm_addon/js/tours/phone_checks";

// A manager reads a course's measured effect on a 390-px phone: a card per KPI, a card per person.

const EFFECT = '.o_field_widget[name="effect_ids"] .o_kanban_record:contains("Revenue")';
const PERSON = '.modal .o_field_widget[name="person_ids"] .o_kanban_record:contains("Rep 1")';

registry.category("web_tour.tours").add("spm_phone_training_effect_tour", {
    steps: () => [
        {
            content: "The effect reads as a card per KPI",
            trigger: `${EFFECT} [name="verdict"]`,
        },
        fitsTheScreen("The course's effect"),
        inView(`${EFFECT} span:contains("95 % interval")`, "The effect and its interval"),
        inView(`${EFFECT} [name="verdict"]`, "The verdict"),
        inView(`${EFFECT} span:contains("Controls: ")`, "The number of controls"),
        {
            content: "Open the KPI's effect",
            trigger: EFFECT,
            run: "click",
        },
        {
            content: "Each trained person reads as a card",
            trigger: PERSON,
        },
        fitsTheScreen("The people of the effect"),
        inView(`${PERSON} span:contains("Before: ")`, "The person's figure before"),
        inView(`${PERSON} span:contains("After: ")`, "The person's figure after"),
        inView(`${PERSON} span:contains("Effect")`, "The person's effect"),
    ],
});
