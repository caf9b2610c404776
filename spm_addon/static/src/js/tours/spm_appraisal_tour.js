import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_appraisal_self_tour", {
    url: "/odoo/action-spm_addon.spm_appraisal_action_my",
    steps: () => [
        {
            content: "Open my appraisal",
            trigger: '.o_kanban_record:contains("Rep 1")',
            run: "click",
        },
        {
            content: "The scorecard shows the revenue KPI",
            trigger: '.o_field_widget[name="line_ids"] .o_data_row:contains("Revenue attainment")',
        },
        {
            content: "Rate myself on teamwork",
            trigger: '.o_field_widget[name="line_ids"] .o_data_row:contains("Teamwork") td[name="self_rating"]',
            run: "click",
        },
        {
            content: "Choose 4",
            trigger: '.o_field_widget[name="line_ids"] .o_data_row:contains("Teamwork") td[name="self_rating"] select',
            run: 'select "4"',
        },
        {
            content: "Open the self-assessment tab",
            trigger: 'a[name="self_assessment"]',
            run: "click",
        },
        {
            content: "Write the self-assessment",
            trigger: '.o_field_widget[name="self_comment"] textarea',
            run: "edit Two new customers in Shenzhen this quarter.",
        },
        {
            content: "Submit it to the manager",
            trigger: 'button[name="action_submit_self"]',
            run: "click",
        },
        {
            content: "Back on my appraisals: the review is confidential until published",
            trigger: ".o_view_nocontent",
        },
    ],
});
