/**
 * A real browser for the report tests: Debian's Chromium driven by playwright-core, with a page that
 * records console messages, page errors, requests and dialogs.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where the system Chromium is installed (Debian's `chromium` package). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium with the background services that would make requests turned off. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** What a page did while it was open. */
export interface PageLog {
  console: { type: string; text: string }[];
  pageErrors: string[];
  requests: string[];
  dialogs: string[];
}

/** Opens a new page that records into the returned log; dialogs are dismissed. */
export async function recordingPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage({ viewport });
  const log: PageLog = { console: [], pageErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.pageErrors.push(e.message));
  page.on('request', (r) => log.requests.push(r.url()));
  // Injected by the browser's debugging protocol, so it runs before the page's scripts and is not itself
  // subject to the page's Content-Security-Policy.
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  page.on('dialog', (d) => {
    log.dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, log };
}

/** The Content-Security-Policy violations the page reported so far (`directive: blocked URI`). */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

/** Per chart container: its key, state, and how many data marks (not axes or legends) of each kind it drew. */
export interface ChartMarks {
  key: string;
  state: string | null;
  svg: boolean;
  symbols: number;
  lines: number;
  rules: number;
  texts: number;
  areas: number;
  rects: number;
}

/** Counts the marks of every chart container that is not hidden. */
export function chartMarks(page: Page): Promise<ChartMarks[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-chart]'))
      .filter((el) => !el.closest('[hidden]') && !(el.closest('details') && !el.closest('details')!.open))
      .map((el) => ({
        key: el.getAttribute('data-chart') ?? '',
        state: el.getAttribute('data-state'),
        svg: el.querySelector('svg') !== null,
        symbols: el.querySelectorAll('g.mark-symbol.role-mark path').length,
        lines: el.querySelectorAll('g.mark-line.role-mark path').length,
        rules: el.querySelectorAll('g.mark-rule.role-mark line').length,
        texts: el.querySelectorAll('g.mark-text.role-mark text').length,
        areas: el.querySelectorAll('g.mark-area.role-mark path').length,
        rects: el.querySelectorAll('g.mark-rect.role-mark path').length,
      })),
  );
}
