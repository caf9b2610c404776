import { registry } from "@web/core/registry";
import { fitsTheScreen, inView } from "@spm_addon/js/tours/phone_checks";

// A salesperson's development plan and career readiness on a 390-px phone: goals, trainings,
// reviews and criteria read as cards, nothing in the sheet scrolls sideways.

const GOAL = '.o_field_widget[name="goal_ids"] .o_kanban_record:contains("Close 3 key accounts")';
const TRAINING = '.o_field_widget[name="enrolment_ids"] .o_kanban_record:contains("Value Selling")';
const REVIEW = '.o_field_widget[name="review_ids"] .o_kanban_record:contains("Ask for a second key account")';
const CRITERION = '.o_kanban_record:contains("Certified in Working Together")';

registry.category("web_tour.tours").add("spm_phone_development_plan_tour", {
    steps: () => [
        {
            content: "The plan's goals read as cards",
            trigger: `${GOAL} [name="due_date"]`,
        },
        fitsTheScreen("The development plan"),
        inView(`${GOAL} span:contains("Close 3 key accounts")`, "The goal"),
        inView(`${GOAL} [name="due_date"]`, "The goal's due date"),
        inView(`${GOAL} [name="state"]`, "The goal's status"),
        inView(`${GOAL} span:contains("the third one is negotiating")`, "The goal's progress"),
        {
            content: "Open the trainings",
            trigger: '.o_notebook .nav-link[name="trainings"]',
            run: "click",
        },
        {
            content: "The trainings read as cards",
            trigger: `${TRAINING} [name="due_date"]`,
        },
        fitsTheScreen("The plan's trainings"),
        inView(`${TRAINING} span:contains("Value Selling")`, "The course"),
        inView(`${TRAINING} [name="state"]`, "The training's status"),
        {
            content: "Open the reviews",
            trigger: '.o_notebook .nav-link[name="reviews"]',
            run: "click",
        },
        {
            content: "The reviews read as cards",
            trigger: `${REVIEW} [name="date"]`,
        },
        fitsTheScreen("The plan's reviews"),
        inView(`${REVIEW} span:contains("prepare the account plans")`, "What the review said"),
    ],
});

registry.category("web_tour.tours").add("spm_phone_readiness_tour", {
    steps: () => [
        {
            content: "My readiness reads as cards, one per criterion",
            trigger: `${CRITERION} .badge`,
        },
        fitsTheScreen("Career readiness", { sheet: false }),
        inView(`${CRITERION} span:contains("Certified in Working Together")`, "The criterion"),
        inView(`${CRITERION} .badge`, "Met or not"),
        inView(`${CRITERION} .small span`, "The figures"),
        {
            content: "Only my own criteria",
            trigger: '.o_kanban_view:not(:has(.o_kanban_record:contains("Rep 2")))',
        },
    ],
});
