// Everything anyone typed is shown as text on the staff pages (issue 12): a
// customer whose name is hostile markup (as the host site's customer feed may
// pass it on) writes with a photo whose file name is hostile markup too. The
// demo sign-in, the operator's queue, the conversation with its file, the
// customer's card and the supervisor's dashboard show both as text, and
// nothing from them runs. The customer's own name is restored at the end.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, person, noProblems, api, HOSTILE, notPwned, staffSignIn, customerToken, staffLogin, PNG,
} from '../lib/harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const CUSTOMER = 'seller-2002';

async function rename(admin, name) {
  const now = await api('GET', `/api/v1/customers/${CUSTOMER}`, { token: admin });
  assert.equal(now.status, 200, now.text);
  const c = now.json;
  const r = await api('PUT', `/api/v1/customers/${CUSTOMER}`, {
    token: admin,
    body: {
      kind: c.kind, name, email: c.email, phone: c.phone, locale: c.locale,
      premium_seller: c.premium_seller, corporate: c.corporate,
    },
  });
  assert.equal(r.status, 200, r.text);
  return c.name;
}

test('hostile customer names and file names stay text on the staff pages', async () => {
  const admin = await staffLogin('admin');
  const name = `Уютный дом ${HOSTILE}`;
  const original = await rename(admin, name);
  try {
    const token = await customerToken(browser, CUSTOMER);
    const form = new FormData();
    form.append('data', new Blob([JSON.stringify({
      line: 'sellers', topic: 'orders_shipments', problem: 'other', problem_text: 'Поставка',
      description: 'Поставку не приняли, фото накладной прилагаю.', reply_channel: 'email',
    })], { type: 'application/json' }));
    // A file name keeps only what follows its last slash, so the markup in
    // it has none.
    const fileName = 'накладная <img src=x onerror="window.__pwned=1">.png';
    form.append('file', new Blob([PNG], { type: 'image/png' }), fileName);
    const created = await fetch(`${BASE}/api/v1/customer/tickets`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, body: form,
    });
    const ticket = await created.json();
    assert.equal(created.status, 201, JSON.stringify(ticket));

    const op = await person(browser);
    const page = await op.page();
    await staffSignIn(page, 'seller-op');
    await page.waitForURL(`${BASE}/staff`);
    // The queue names the customer as text.
    const row = page.locator(`a[data-ticket="${ticket.number}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Уютный дом <img src=x onerror=/);
    await notPwned(page);

    await row.click();
    await page.waitForURL(new RegExp(`/staff/tickets/${ticket.number}`));
    // The photo is shown with its name as text, and the link downloads it.
    const file = page.locator('ul.files a[download]');
    await file.waitFor();
    const shown = await file.textContent();
    assert.ok(shown.includes('onerror'), `the file name is shown as text: ${shown}`);
    const got = await api('GET', new URL(await file.getAttribute('href'), BASE).pathname, { token: await staffLogin('seller-op') });
    assert.equal(got.status, 200);
    assert.ok(await page.getByText('Уютный дом <img src=x', { exact: false }).count() > 0, 'the customer card shows the name as text');
    await notPwned(page);
    noProblems(op);
    await op.context.close();

    // The supervisor's dashboard lists the waiting ticket with the name as text.
    const sup = await person(browser);
    const sp = await sup.page();
    await staffSignIn(sp, 'supervisor');
    await sp.waitForURL(`${BASE}/staff`);
    await sp.goto(`${BASE}/staff/dashboard`);
    await sp.getByRole('heading', { name: 'Панель руководителя', level: 1 }).waitFor();
    await notPwned(sp);
    noProblems(sup);
    await sup.context.close();
  } finally {
    await rename(admin, original);
  }
});
