// The supervisor dashboard (issue 12) in real Chromium: a supervisor sees a
// new ticket waiting, reassigns it from the dashboard, and the operator's
// console — open in another browser — shows it in "mine" without a reload.
// The charts are SVG images drawn by the server; operators get neither the
// page nor the charts. Hostile text is shown as text; every page is checked
// with axe-core and photographed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, person, check, noProblems, api, HOSTILE, notPwned, staffSignIn, customerToken, staffLogin,
} from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a supervisor reassigns a ticket from the dashboard and the operator sees it live', async () => {
  const token = await customerToken(browser, 'buyer-1003');
  const created = await api('POST', '/api/v1/customer/tickets', {
    token,
    body: {
      line: 'marketplace', topic: 'delivery', problem: 'other', problem_text: `Не тот адрес ${HOSTILE}`,
      order_number: 'MP-10007', description: 'Курьер привёз заказ не по тому адресу.', reply_channel: 'email',
    },
  });
  assert.equal(created.status, 201, created.text);
  const number = created.json.number;

  // The operator works in the console meanwhile.
  const op = await person(browser);
  const opPage = await op.page();
  await staffSignIn(opPage, 'operator');
  await opPage.waitForURL(`${BASE}/staff`);
  await opPage.locator('[data-live-state]').filter({ hasText: /вживую/ }).waitFor();
  assert.equal(await opPage.getByRole('link', { name: 'Панель руководителя' }).count(), 0, 'no dashboard link for operators');

  const sup = await person(browser);
  const page = await sup.page();
  await staffSignIn(page, 'supervisor');
  await page.waitForURL(`${BASE}/staff`);
  await page.getByRole('link', { name: 'Панель руководителя' }).click();
  await page.waitForURL(`${BASE}/staff/dashboard`);
  await page.getByRole('heading', { name: 'Панель руководителя', level: 1 }).waitFor();
  // The new ticket waits unassigned, its line's queue counts it.
  const item = page.locator(`section[aria-labelledby="waiting-h"] [data-attention="${number}"]`);
  await item.waitFor();
  assert.ok(Number(await page.locator('[data-queue="marketplace/delivery"] [data-waiting]').textContent()) >= 1);
  await notPwned(page);
  assert.match(await item.textContent(), /<script>/, 'the hostile subject is shown as text');
  // Every operator's state and load is listed.
  await page.locator('[data-operator]', { hasText: 'Наталья Попова' }).waitFor();
  // Every chart loaded as an image, with its figures in words beside it.
  const charts = page.locator('img[data-chart]');
  assert.equal(await charts.count(), 3);
  const widths = await charts.evaluateAll((imgs) => Promise.all(imgs.map((i) => (i.complete
    ? i.naturalWidth
    : new Promise((r) => { i.onload = () => r(i.naturalWidth); i.onerror = () => r(0); })))));
  assert.ok(widths.every((w) => w > 0), `charts: ${widths}`);
  await check(page, 'staff-dashboard');

  // Reassign to Наталья Попова from the dashboard.
  const select = item.locator('select');
  await select.selectOption({ label: 'Наталья Попова' });
  const chosen = await select.inputValue();
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/v1/tickets/${number}/assign`)),
    item.getByRole('button', { name: 'Переназначить' }).click(),
  ]);
  assert.equal(answer.status(), 200);
  // The operator's console shows it in "mine" without a reload.
  await opPage.locator(`[data-list="mine"] a[data-ticket="${number}"]`).waitFor();
  const staffToken = await page.locator('meta[name="sb-token"]').getAttribute('content');
  const t = await api('GET', `/api/v1/tickets/${number}`, { token: staffToken });
  assert.equal(String(t.json.assignee_id), chosen);
  // The dashboard refreshes itself: the ticket no longer waits unassigned.
  await page.locator(`section[aria-labelledby="waiting-h"] [data-attention="${number}"]`).waitFor({ state: 'detached' });

  // English by choice, and the choice is the account's: a sign-in from a
  // browser that never chose opens the console in English.
  await page.goto(`${BASE}/staff/dashboard?lang=en`);
  await page.getByRole('heading', { name: 'Supervisor dashboard', level: 1 }).waitFor();
  await check(page, 'staff-dashboard-en');
  noProblems(sup);
  noProblems(op);
  await sup.context.close();
  await op.context.close();
  const again = await person(browser);
  const fresh = await again.page();
  await staffSignIn(fresh, 'supervisor');
  await fresh.waitForURL(`${BASE}/staff`);
  await fresh.getByRole('heading', { name: 'Queue' }).waitFor();
  // Back to Russian for the account (the other tests sign in as it).
  await fresh.goto(`${BASE}/staff?lang=ru`);
  await fresh.getByRole('heading', { name: 'Очередь' }).waitFor();
  noProblems(again);
  await again.context.close();
});

test('operators get neither the dashboard nor its charts', async () => {
  const op = await person(browser);
  const page = await op.page();
  await staffSignIn(page, 'operator');
  await page.waitForURL(`${BASE}/staff`);
  const r = await page.goto(`${BASE}/staff/dashboard`);
  assert.equal(r.status(), 404);
  await op.context.close();

  const opToken = await staffLogin('operator');
  assert.equal((await api('GET', '/api/v1/dashboard/charts/volume', { token: opToken })).status, 403);
  const supToken = await staffLogin('supervisor');
  const svg = await api('GET', '/api/v1/dashboard/charts/sla?lang=en', { token: supToken });
  assert.equal(svg.status, 200);
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  assert.match(svg.text, /^<svg/);
  assert.match(svg.text, /Deadlines met by line/);
  assert.equal((await api('GET', '/api/v1/dashboard/charts/nope', { token: supToken })).status, 404);
});
