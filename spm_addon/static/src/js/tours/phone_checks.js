// Checks of the phone-size tours (390 px): what the user reads or acts on fits the screen.

/** The page does not scroll sideways (with ``sheet``: nor does anything inside a form's sheet). */
export function fitsTheScreen(what, { sheet = true } = {}) {
    return {
        content: `${what} fits the phone's width`,
        trigger: "body",
        run() {
            const width = document.scrollingElement.scrollWidth;
            if (width > window.innerWidth) {
                throw new Error(`${what}: the page scrolls sideways (${width} px > ${window.innerWidth} px)`);
            }
            if (!sheet) {
                return;
            }
            for (const el of document.querySelectorAll(".o_form_sheet *")) {
                if (el.scrollWidth > el.clientWidth + 1 && ["auto", "scroll"].includes(getComputedStyle(el).overflowX)) {
                    throw new Error(`${what}: ${el.className} scrolls sideways (${el.scrollWidth} px > ${el.clientWidth} px)`);
                }
            }
        },
    };
}

/** The element is laid out within the screen's width. */
export function inView(selector, what) {
    return {
        content: `${what} is visible on the screen`,
        trigger: selector,
        run() {
            const rect = this.anchor.getBoundingClientRect();
            if (rect.width === 0 || rect.left < 0 || rect.right > window.innerWidth) {
                throw new Error(`${what} is off the screen (${rect.left}-${rect.right} of ${window.innerWidth} px)`);
            }
        },
    };
}
