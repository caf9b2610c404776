import { registry } from "@web/core/registry";
import { fitsTheScreen, inView, onOneLine } from "@spm_addon/js/tours/phone_checks";

// Plans, statements and appraisals on a 390-px phone: lists inside forms read as cards, a figure and
// its unit (%) stay on one line, the tabs and the cascade are within reach, nothing scrolls sideways.

const TIER = (range) => `.o_field_widget[name="tier_ids"] .o_kanban_record:contains("${range}")`;
const TABS = ["tiers", "category_rates", "spifs", "grade_bonuses", "credit_splits", "statement_properties"];

registry.category("web_tour.tours").add("spm_phone_tiers_tour", {
    steps: () => [
        {
            content: "The plan's tiers read as cards",
            trigger: `${TIER("100 % and above")} [name="rate"]`,
        },
        fitsTheScreen("The commission plan"),
        inView(`${TIER("0 % to 80 %")} [name="rate"]`, "The first tier's rate"),
        {
            content: "A rate reads as people write it: 2.5, not 2.5000",
            trigger: `${TIER("0 % to 80 %")} [name="rate"]:contains("2.5"):not(:contains("2.50"))`,
        },
        onOneLine(`${TIER("80 % to 100 %")} span:has([name="rate"])`, "The second tier's rate"),
        onOneLine(`${TIER("100 % and above")} span:has([name="rate"])`, "The top tier's rate"),
        ...TABS.map((name) => inView(`.o_notebook .nav-link[name="${name}"]`, `The tab ${name}`)),
        ...TABS.slice(1).flatMap((name) => [
            {
                content: `Open the tab ${name}`,
                trigger: `.o_notebook .nav-link[name="${name}"]`,
                run: "click",
            },
            {
                content: `The tab ${name} is open`,
                trigger: `.o_notebook .nav-link.active[name="${name}"]`,
            },
            fitsTheScreen(`The tab ${name}`),
        ]),
        {
            content: "Back to the tiers",
            trigger: '.o_notebook .nav-link[name="tiers"]',
            run: "click",
        },
        {
            content: "Open the top tier to change its rate",
            trigger: TIER("100 % and above"),
            run: "click",
        },
        {
            content: "Set the top tier's rate",
            trigger: '.modal .o_field_widget[name="rate"] input',
            run: "edit 7.5",
        },
        fitsTheScreen("The tier"),
        {
            content: "Keep the tier",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The card reads the new rate",
            trigger: `body:not(:has(.modal)) ${TIER("100 % and above")} [name="rate"]:contains("7.5")`,
        },
        {
            content: "Save the plan",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The plan is saved",
            trigger: ".o_form_saved",
        },
    ],
});

const PERSON = (name) => `.o_field_widget[name="org_line_ids"] .o_kanban_record:contains("${name}")`;

registry.category("web_tour.tours").add("spm_phone_quota_plan_tour", {
    steps: () => [
        {
            content: "The plan's teams and salespeople read as cards",
            trigger: `${PERSON("Rep 1")} [name="attainment"]`,
        },
        fitsTheScreen("The quota plan"),
        inView(`${PERSON("Rep 1")} [name="attainment"]`, "Rep 1's attainment"),
        inView(`${PERSON("Rep 1")} [name="target"]`, "Rep 1's target"),
        inView(`${PERSON("Rep 1")} [name="actual_amount"]`, "Rep 1's actual"),
        onOneLine(`${PERSON("Rep 1")} span:contains("Pace")`, "Rep 1's pace"),
        inView(`${PERSON("Team A")} [name="attainment"]`, "Team A's attainment"),
        {
            content: "Open the cascade, a button on the phone's screen",
            trigger: '.o_form_sheet button[name="action_view_hierarchy"]',
            run: "click",
        },
        {
            content: "The cascade shows Team A",
            trigger: '.o_hierarchy_node:contains("Team A")',
        },
        fitsTheScreen("The cascade", { sheet: false }),
        inView('.o_hierarchy_node:contains("Team A")', "Team A in the cascade"),
        {
            content: "Unfold Team A",
            trigger: '.o_hierarchy_node:contains("Team A") button[name="hierarchy_search_subsidiaries"]',
            run: "click",
        },
        {
            content: "Team A's salespeople",
            trigger: '.o_hierarchy_node:contains("Rep 2")',
        },
        fitsTheScreen("The unfolded cascade", { sheet: false }),
        inView('.o_hierarchy_node:contains("Rep 1")', "Rep 1 in the cascade"),
        onOneLine('.o_hierarchy_node:contains("Rep 1") span:contains("%")', "Rep 1's attainment in the cascade"),
    ],
});

registry.category("web_tour.tours").add("spm_phone_statement_cards_tour", {
    steps: () => [
        {
            content: "My statements read as cards",
            trigger: '.o_kanban_record:contains("January Phone") [name="amount"]',
        },
        fitsTheScreen("My earnings", { sheet: false }),
        inView('.o_kanban_record:contains("January Phone") [name="amount"]', "What I am paid"),
        onOneLine('.o_kanban_record:contains("January Phone") span:contains("%")', "My attainment"),
        {
            content: "Open the statement",
            trigger: '.o_kanban_record:contains("January Phone")',
            run: "click",
        },
        {
            content: "The statement's lines read as cards",
            trigger: '.o_field_widget[name="line_ids"] .o_kanban_record [name="rate"]',
        },
        fitsTheScreen("The statement"),
        onOneLine('[name="result"] .display-5:has([name="attainment"])', "The statement's attainment"),
        onOneLine('.o_field_widget[name="line_ids"] .o_kanban_record span:has([name="rate"])', "The line's rate"),
    ],
});

const KPI = '.o_field_widget[name="line_ids"] .o_kanban_record:contains("Revenue attainment")';

registry.category("web_tour.tours").add("spm_phone_appraisal_cards_tour", {
    steps: () => [
        {
            content: "The scorecard reads as cards",
            trigger: `${KPI} [name="weight"]`,
        },
        fitsTheScreen("The appraisal"),
        onOneLine(`${KPI} span:has([name="weight"])`, "The KPI's weight"),
        // a field without widget renders as text in a card: the attainment is the text before its "%"
        onOneLine(`${KPI} .small span:contains("%")`, "The KPI's attainment"),
        inView(`${KPI} span:contains("Contribution")`, "The KPI's contribution"),
    ],
});
