import { registry } from "@web/core/registry";
import { fitsTheScreen, inView } from "@spm_addon/js/tours/phone_checks";

// My Training on a 390-px phone, and a manager's way from an appraisal gap to a completed training.

const CARD = '.o_kanban_record:contains("Value Selling")';

registry.category("web_tour.tours").add("spm_my_training_phone_tour", {
    steps: () => [
        {
            content: "My Training lists the courses as cards",
            trigger: `${CARD} [name="due_date"]`,
        },
        fitsTheScreen("My Training", { sheet: false }),
        inView(`${CARD} [name="course_id"]`, "The course"),
        inView(`${CARD} [name="due_date"]`, "The due date"),
        inView(`${CARD} [name="state"]`, "The status"),
        {
            content: "Open the course",
            trigger: `${CARD} [name="course_id"]`,
            run: "click",
        },
        {
            content: "The enrolment opens",
            trigger: '.o_form_view .o_field_widget[name="due_date"]',
        },
        fitsTheScreen("The enrolment", { sheet: false }),
        inView('.o_form_view .o_field_widget[name="due_date"]', "The due date"),
        {
            content: "A salesperson does not complete their own training",
            trigger: '.o_form_view:not(:has(button[name="action_complete"]))',
        },
    ],
});

registry.category("web_tour.tours").add("spm_training_need_tour", {
    steps: () => [
        {
            content: "The need recommends the course that targets the gap",
            trigger: '.o_field_widget[name="course_ids"]:contains("Value Selling")',
        },
        {
            content: "Set the due date",
            trigger: '.o_field_widget[name="due_date"] input',
            run: "edit 12/31/2030",
        },
        {
            content: "Accept the need",
            trigger: 'button[name="action_accept"]',
            run: "click",
        },
        {
            content: "The need is accepted: open its enrolments",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Accepted")',
        },
        {
            content: "Show the enrolments",
            trigger: '.o_notebook .nav-link:contains("Enrolments")',
            run: "click",
        },
        {
            content: "The enrolment in the recommended course, due on the need's date",
            trigger: '.o_field_widget[name="enrolment_ids"] .o_data_row:contains("Value Selling"):contains("12/31/2030")',
        },
    ],
});

registry.category("web_tour.tours").add("spm_training_complete_tour", {
    steps: () => [
        {
            content: "Record the score",
            trigger: '.o_form_view .o_field_widget[name="score"] input',
            run: "edit 85",
        },
        {
            content: "Mark the training completed",
            trigger: 'button[name="action_complete"]',
            run: "click",
        },
        {
            content: "The training is completed",
            trigger: '.o_form_view:not(:has(button[name="action_complete"])) .o_field_widget[name="completion_date"]',
        },
    ],
});
