import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("spm_quota_plan_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Sales Performance",
            trigger: '.o_app[data-menu-xmlid="spm_addon.menu_spm_root"]',
            run: "click",
        },
        {
            content: "Open the Targets menu",
            trigger: 'button[data-menu-xmlid="spm_addon.menu_spm_targets"]',
            run: "click",
        },
        {
            content: "Open the quota plans",
            trigger: 'a[data-menu-xmlid="spm_addon.menu_spm_quota_plans"]',
            run: "click",
        },
        {
            content: "Open the draft plan",
            trigger: '.o_data_row td[name="name"]:contains("Tour Plan")',
            run: "click",
        },
        {
            content: "Allocate the company target",
            trigger: 'button[name="action_allocate"]',
            run: "click",
        },
        {
            content: "Team A received its share",
            trigger: '.o_field_widget[name="org_line_ids"] .o_data_row:contains("Team A")',
        },
        {
            content: "Activate the plan",
            trigger: 'button[name="action_activate"]',
            run: "click",
        },
        {
            content: "The plan is active",
            trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Active")',
        },
        {
            content: "Open the cascade",
            trigger: 'button[name="action_view_hierarchy"]',
            run: "click",
        },
        {
            content: "The cascade shows the company at its root",
            trigger: ".o_hierarchy_node:contains('Team A')",
        },
    ],
});

registry.category("web_tour.tours").add("spm_my_targets_tour", {
    url: "/odoo/action-spm_addon.spm_quota_line_action_my",
    steps: () => [
        {
            content: "My target card shows attainment and pace",
            trigger: '.o_kanban_record:contains("Rep 1"):contains("Pace")',
            run: "click",
        },
        {
            content: "The target form shows the actual sales",
            trigger: '.o_field_widget[name="actual_amount"]:contains("36,000")',
        },
        {
            content: "Drill down to the source orders",
            trigger: 'button[name="action_view_sources"]',
            run: "click",
        },
        {
            content: "The order behind the figure is listed",
            trigger: ".o_data_row:contains('Customer Co')",
        },
    ],
});
