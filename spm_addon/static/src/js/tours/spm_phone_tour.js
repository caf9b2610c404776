import { registry } from "@web/core/registry";
import { fitsTheScreen, inView } from "@spm_addon/js/tours/phone_checks";

// Phone-size tours (390 px): what the user reads or acts on fits the screen, without sideways scrolling.

const LINE_CARD = '.o_field_widget[name="line_ids"] .o_kanban_record:contains("S0")';

registry.category("web_tour.tours").add("spm_phone_dispute_tour", {
    steps: () => [
        {
            content: "The statement's lines read as cards",
            trigger: `${LINE_CARD} [name="amount"]`,
        },
        fitsTheScreen("The statement"),
        inView(`${LINE_CARD} [name="amount"]`, "The line's amount"),
        inView(`${LINE_CARD} button[name="action_dispute"]`, "The Dispute button"),
        {
            content: "Dispute the line",
            trigger: `${LINE_CARD} button[name="action_dispute"]`,
            run: "click",
        },
        {
            content: "Say what is wrong",
            trigger: '.modal .o_field_widget[name="comment"] textarea',
            run: "edit The order was shared with Rep 2.",
        },
        fitsTheScreen("The dispute"),
        {
            content: "Send the dispute",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Back on the statement",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

registry.category("web_tour.tours").add("spm_phone_run_tour", {
    steps: () => [
        {
            content: "The run's statements read as cards",
            trigger: '.o_field_widget[name="statement_ids"] .o_kanban_record:contains("Rep 1") [name="amount"]',
        },
        fitsTheScreen("The payout run"),
        inView('.o_field_widget[name="statement_ids"] .o_kanban_record:contains("Rep 1") [name="amount"]', "Rep 1's amount"),
        {
            content: "Name, plan and period are read-only for a manager",
            trigger: '.o_field_widget[name="plan_id"]',
            run() {
                for (const name of ["name", "plan_id", "date_from", "date_to"]) {
                    if (document.querySelector(`.o_form_view .o_field_widget[name="${name}"] input`)) {
                        throw new Error(`${name} is editable`);
                    }
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("spm_phone_split_tour", {
    steps: () => [
        {
            content: "The quarterly split reads as cards, with target, actual and attainment",
            trigger: '.o_field_widget[name="child_ids"] .o_kanban_record:contains("2027 Q1"):contains("Target"):contains("Actual") [name="attainment"]',
        },
        fitsTheScreen("The target"),
        inView('.o_field_widget[name="child_ids"] .o_kanban_record:contains("2027 Q4") [name="attainment"]', "The last quarter's attainment"),
        inView('.o_field_widget[name="child_ids"] .o_kanban_record:contains("2027 Q4") [name="target"]', "The last quarter's target"),
    ],
});

registry.category("web_tour.tours").add("spm_phone_disputes_tour", {
    steps: () => [
        {
            content: "The disputes read as cards on a phone",
            trigger: '.o_kanban_record:contains("The order was shared") [name="state"]',
        },
        fitsTheScreen("The disputes"),
        inView('.o_kanban_record:contains("The order was shared") [name="state"]', "The dispute's status"),
        // a field without widget renders as text in a card: the disputed line reads as its order
        inView('.o_kanban_record:contains("The order was shared"):contains("S0")', "The disputed line"),
        {
            content: "Open the dispute",
            trigger: '.o_kanban_record:contains("The order was shared")',
            run: "click",
        },
        {
            content: "The dispute's form, to accept or reject it",
            trigger: '.o_form_view .o_field_widget[name="comment"]',
        },
        fitsTheScreen("The dispute's form"),
    ],
});

registry.category("web_tour.tours").add("spm_phone_forecast_tour", {
    steps: () => [
        {
            content: "The overview tells the salesperson where they will end this month and quarter",
            trigger: '.o_form_view [name="forecast"]:contains("This month"):contains("This quarter") [name="forecast_month_expected"]',
        },
        fitsTheScreen("The overview"),
        inView('[name="forecast_month_expected"]', "This month's expected sales"),
        inView('[name="forecast_month_gap"]', "This month's gap"),
        inView('[name="forecast_quarter_target"]', "This quarter's target"),
        {
            content: "Open the forecast",
            trigger: 'button[name="action_open_forecast"]',
            run: "click",
        },
        {
            content: "The forecast reads as cards",
            trigger: ".o_kanban_record:contains(\"Weighted Pipeline\")",
            run() {
                const card = this.anchor;
                for (const text of ["Rep 1", "Expected", "Target", "Gap"]) {
                    if (!card.textContent.includes(text)) {
                        throw new Error(`The forecast card lacks "${text}": ${card.textContent}`);
                    }
                }
            },
        },
        fitsTheScreen("The forecast cards"),
        // a field without widget renders as text in a card: the card, with its figures, is in view
        inView('.o_kanban_record:contains("Weighted Pipeline"):contains("Gap")', "The month's forecast card"),
    ],
});
