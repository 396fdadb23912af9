// The browser tests' shared pieces: Debian's Chromium through playwright-core
// (never a downloaded browser), screenshots at desktop and 360 px, axe-core
// checks, the page's own errors (a CSP violation or a script error fails the
// test), and the JSON API for what the other side does.
//
// scripts/browser-test.sh starts the service and sets BASE_URL (and
// HOST_URL, a second origin for the widget's host page, and SHOTS).

import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

export const BASE = process.env.BASE_URL || 'http://127.0.0.1:8080';
export const SHOTS = process.env.SHOTS || '../../target/screenshots';
mkdirSync(SHOTS, { recursive: true });

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// STACK.md's flags. Playwright gives every launch a fresh temporary
// --user-data-dir of its own and removes it on close.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: FLAGS,
    headless: true,
  });
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

// A context (one person's browser) whose pages fail the test on a script
// error, a console error (CSP violations are reported there) or a failed
// same-origin request.
export async function person(browser, { viewport = DESKTOP, locale = 'ru-RU' } = {}) {
  const context = await browser.newContext({ viewport, locale });
  const problems = [];
  context.on('page', (page) => watch(page, problems));
  return { context, problems, async page() { const p = await context.newPage(); return p; } };
}

function watch(page, problems) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
}

export function noProblems(who) {
  assert.deepEqual(who.problems, [], 'the pages reported errors');
}

// Screenshots of the current page at desktop width and at 360 px.
export async function shoot(page, name) {
  const size = page.viewportSize();
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${SHOTS}/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${SHOTS}/${name}-360.png`, fullPage: true });
  // Nothing may scroll sideways on a phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name}: ${overflow}px wider than a 360 px screen`);
  if (size) await page.setViewportSize(size);
}

// axe-core on the current page: no serious or critical violation. It is
// evaluated through the DevTools protocol, so the page's CSP stays on.
export async function axe(page, name) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${name}: accessibility violations`);
}

// Both checks, and the screenshots.
export async function check(page, name) {
  await axe(page, name);
  await shoot(page, name);
}

// The JSON API, as the other side (an operator, an admin) or the host site uses it.
export async function api(method, path, { token, body, lang } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (lang) headers['accept-language'] = lang;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
}

export async function staffLogin(login) {
  const r = await api('POST', '/api/v1/auth/login', { body: { login, password: `${login}-demo` } });
  assert.equal(r.status, 200, r.text);
  return r.json.token;
}

// Signs a demo customer in through the demo page, as a person would.
export async function demoSignIn(page, customer) {
  await page.goto(`${BASE}/demo`);
  await page.locator(`form:has(input[name="customer"][value="${customer}"]) button`).click();
  await page.waitForURL(/\/account/);
}

// Strings that would run script if a page rendered them as HTML. A page
// that is safe shows them as text and never calls window.__pwned.
export const HOSTILE = `<img src=x onerror="window.__pwned=1">"><script>window.__pwned=1</script>&amp;`;

// One more order for a demo customer, whose item name is hostile markup (as
// an order system might pass on a seller's title): every page that lists
// orders must show it as text. PUT is idempotent; returns the item name.
export const HOSTILE_ORDER = 'MP-10099';
export async function hostileOrder(customer) {
  const title = `Чехол ${HOSTILE}`;
  const admin = await staffLogin('admin');
  const r = await api('PUT', `/api/v1/customers/${customer}/orders/${HOSTILE_ORDER}`, {
    token: admin,
    body: {
      title, status: 'Получен', amount_minor: 99000, currency: 'RUB',
      placed_at: new Date(Date.now() - 30 * 86400000).toISOString(),
    },
  });
  assert.equal(r.status, 204, r.text);
  return title;
}

// Moves the keyboard focus with Tab (Shift+Tab when `back`) until the focused
// element's text is `name` (or its id, for `#id`), as a keyboard-only user
// would; the focus must be visible on it (an outline, from :focus-visible).
export async function tabTo(page, name, { back = false, max = 60 } = {}) {
  for (let i = 0; i <= max; i++) {
    if (i > 0) await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return { id: el?.id, text: (el?.textContent || '').trim(), outline: el ? getComputedStyle(el).outlineStyle : 'none' };
    });
    if (name.startsWith('#') ? `#${focused.id}` === name : focused.text === name) {
      assert.notEqual(focused.outline, 'none', `the focus on "${name}" is visible`);
      return;
    }
  }
  throw new Error(`"${name}" cannot be reached with ${back ? 'Shift+Tab' : 'Tab'}`);
}

export async function notPwned(page) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'markup from data ran');
}

// A 1×1 PNG: real image content, as the server checks uploads.
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

// A minimal PDF: real content, as the server checks it.
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

// Staff sign-in through the form, as a person would (the console asks for it).
export async function staffSignIn(page, login, password = `${login}-demo`) {
  await page.goto(`${BASE}/staff`);
  await page.waitForURL(/\/staff\/sign-in/);
  await page.getByLabel(/Логин|Login/).fill(login);
  await page.getByLabel(/Пароль|Password/).fill(password);
  await page.getByRole('button', { name: /Войти|Sign in/ }).click();
}

// A demo customer's identity token, minted by the demo page (the host
// site's part) and read from the page's meta, for the API calls of the
// customer's side.
export async function customerToken(browser, id) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/demo`);
  await page.locator(`form:has(input[name="customer"][value="${id}"]) button`).click();
  await page.waitForURL(/\/account/);
  const token = await page.locator('meta[name="sb-token"]').getAttribute('content');
  await context.close();
  return token;
}
