import { registry } from "@web/core/registry";
import { fitsTheScreen, inView } from "@spm_addon/js/tours/phone_checks";

// The overview's answers of each role on a phone (390 px): the salesperson's estimate, finance's runs
// waiting, the administrator's setup, each in view without sideways scrolling.

registry.category("web_tour.tours").add("spm_phone_overview_estimate_tour", {
    steps: () => [
        {
            content: "The salesperson reads what they earned so far, as an estimate",
            trigger: '.o_form_view [name="estimate"]:contains("Estimate") [name="estimate_amount"]',
        },
        fitsTheScreen("The overview"),
        inView('[name="estimate"] [name="estimate_amount"]', "The estimated commission"),
        inView('[name="estimate"] [name="estimate_credited"]', "What is credited so far"),
    ],
});

registry.category("web_tour.tours").add("spm_phone_overview_finance_tour", {
    steps: () => [
        {
            content: "Finance reads each run waiting, by name, with its total",
            trigger: '.o_field_widget[name="pending_run_ids"] .o_kanban_record:contains("January Phone") [name="total_amount"]',
        },
        fitsTheScreen("The overview"),
        inView('.o_field_widget[name="pending_run_ids"] .o_kanban_record:contains("January Phone") [name="total_amount"]', "The run's total"),
        inView('.o_field_widget[name="pending_run_ids"] .o_kanban_record:contains("January Phone") [name="state"]', "The run's state"),
    ],
});

registry.category("web_tour.tours").add("spm_phone_overview_setup_tour", {
    steps: () => [
        {
            content: "The administrator reads whether the setup runs",
            trigger: '.o_form_view [name="setup"]:contains("Active commission plans") [name="campaign_count"]',
        },
        fitsTheScreen("The overview"),
        inView('[name="setup"] [name="failed_job_count"]', "The failed jobs"),
    ],
});
