import { expect, type Page } from "@playwright/test";

/** The two widths every page is checked and captured at: a 375 px phone and a 1280 px desktop. */
export const WIDTHS = [375, 1280] as const;

/**
 * Elements that stick out past the right edge of the viewport without a scrolling box of their
 * own to hold them. The app shell clips sideways overflow (`overflow-x: clip`), so the page's
 * scrollWidth alone would not show a row or a form that runs off the screen.
 */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>("*"))) {
      // The content of a closed <details> is not laid out again after a resize: Chromium hides it
      // with content-visibility, and its boxes keep the previous width's place (a list measured at
      // right=815 at 375 px, on CI). It is not on screen; once opened it is laid out afresh.
      if (el.closest("details:not([open])") && !el.closest("summary")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 1) continue;
      // Inside a box that scrolls or clips on its own (a table, the filter row): that is its job.
      let held = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (p.classList.contains("shell")) break;
        const ox = getComputedStyle(p).overflowX;
        if (ox !== "visible") {
          held = true;
          break;
        }
      }
      if (held) continue;
      const name =
        el.tagName.toLowerCase() +
        (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
      out.push(`${name} right=${Math.round(r.right)} > ${vw}: ${el.textContent?.trim().slice(0, 40) ?? ""}`);
    }
    return out;
  });
}

/** On a phone, scrolled to the end: does the bottom tab bar cover the page's last element? */
async function coveredByTabBar(page: Page): Promise<string | null> {
  const covered = await page.evaluate(() => {
    const nav = document.querySelector(".mainnav");
    const last = document.querySelector("main.page")?.lastElementChild;
    if (!nav || !last || getComputedStyle(nav).position !== "fixed") return null;
    window.scrollTo(0, document.scrollingElement!.scrollHeight);
    const navTop = nav.getBoundingClientRect().top;
    const bottom = last.getBoundingClientRect().bottom;
    return bottom > navTop
      ? `last element ends at ${Math.round(bottom)}, tab bar starts at ${Math.round(navTop)}`
      : null;
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  return covered;
}

/**
 * Full-page screenshots at 375 and 1280 px into test-results/screens/<name>-<width>.png. At each
 * width the page must not scroll sideways and nothing may stick out past the right edge.
 */
export async function shoot(page: Page, name: string) {
  const original = page.viewportSize();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width < 640 ? 812 : 800 });
    await page.evaluate(() => window.scrollTo(0, 0));
    // Let the layout settle after the resize (fonts, media queries) before measuring.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { scroll, client } = await page.evaluate(() => {
      const el = document.scrollingElement!;
      return { scroll: el.scrollWidth, client: el.clientWidth };
    });
    expect(scroll, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(client);
    expect(await overflowing(page), `${name} at ${width} px: elements past the right edge`).toEqual([]);
    if (width < 640) expect(await coveredByTabBar(page), `${name}: the tab bar covers the page's end`).toBeNull();
    // CI checks the layout but writes no pictures (nobody opens them there, and the captures
    // cost about a tenth of the suite); `npm test` on a developer's machine keeps them.
    if (process.env.E2E_SCREENSHOTS === "0") continue;
    // A viewport as tall as the page rather than a full-page capture: that way the phone's
    // fixed tab bar is drawn where it really sits, after the page's end, not over its middle.
    const height = await page.evaluate(() => document.scrollingElement!.scrollHeight);
    await page.setViewportSize({ width, height: Math.max(height, width < 640 ? 812 : 800) });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: `test-results/screens/${name}-${width}.png` });
  }
  if (original) await page.setViewportSize(original);
}

/** Opens every disclosure panel on the page, to capture what they hold. */
export async function openPanels(page: Page) {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
}
