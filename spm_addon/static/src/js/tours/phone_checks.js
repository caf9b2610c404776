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

/** The element's text (a figure and its unit, e.g. "12.5 %") reads on one line, within the screen. */
export function onOneLine(selector, what) {
    return {
        content: `${what} reads on one line`,
        trigger: selector,
        run() {
            const range = document.createRange();
            range.selectNodeContents(this.anchor);
            const rects = [...range.getClientRects()].filter((rect) => rect.width > 0 && rect.height > 0);
            const [first] = rects;
            // on one line, every piece (the figure, its unit) overlaps the first one vertically
            if (!first || rects.some((rect) => rect.top >= first.bottom || rect.bottom <= first.top)) {
                throw new Error(`${what} is cut over several lines: "${this.anchor.textContent.trim()}"`);
            }
            const rect = this.anchor.getBoundingClientRect();
            if (rect.left < 0 || rect.right > window.innerWidth) {
                throw new Error(`${what} is off the screen (${rect.left}-${rect.right} of ${window.innerWidth} px)`);
            }
        },
    };
}
