test('a supervisor reassigns from the dashboard', async () => {
  const token = await customerToken('buyer-1003');
  const created = await api('POST', '/api/v1/customer/tickets', {
    token,
    body: {
      line: 'marketplace', topic: 'delivery', problem: 'other', problem_text: 'Не тот адрес',
      order_number: 'MP-10007', description: 'Курьер привёз заказ не по тому адресу.', reply_channel: 'email',
    },
  });
  assert.equal(created.status, 201, created.text);
  const number = created.json.number;
  const sup = await person(browser);
  const page = await sup.page();
  await signIn(page, 'supervisor');
  await page.waitForURL(`${BASE}/staff`);
  await page.getByRole('link', { name: 'Панель руководителя' }).click();
  await page.waitForURL(`${BASE}/staff/dashboard`);
  const item = page.locator(`[data-attention="${number}"]`);
  await item.waitFor();
  // Every chart loaded as an image.
  const loaded = await page.$$eval('img[data-chart]', (imgs) => Promise.all(imgs.map((i) => (i.complete ? i.naturalWidth : new Promise((r) => { i.onload = () => r(i.naturalWidth); i.onerror = () => r(0); })))));
  assert.ok(loaded.every((w) => w > 0), `charts: ${loaded}`);
  await check(page, 'staff-dashboard');
  const select = item.locator('select');
  await select.selectOption({ label: 'Наталья Попова' });
  const chosen = await select.inputValue();
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/v1/tickets/${number}/assign`)),
    item.getByRole('button', { name: 'Переназначить' }).click(),
  ]);
  assert.equal(answer.status(), 200);
  const staffToken = await page.locator('meta[name="sb-token"]').getAttribute('content');
  const t = await api('GET', `/api/v1/tickets/${number}`, { token: staffToken });
  assert.equal(String(t.json.assignee_id), chosen);
  noProblems(sup);
  await sup.context.close();
});
