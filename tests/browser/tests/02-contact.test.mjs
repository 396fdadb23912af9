// "Contact us": a purchase question with an order and two attachments,
// checked in the browser before sending and by the server after; the
// confirmation on the page says what the e-mail in the test SMTP server says.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE, launch, person, check, noProblems, demoSignIn, HOSTILE, notPwned, PNG, PDF, hostileOrder, HOSTILE_ORDER, tabTo,
} from '../lib/harness.mjs';

let browser;
// The file input (the list of chosen files carries the same label).
const files = (page) => page.locator('input#files');
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const EXE = Buffer.from('MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0', 'binary');

// Waits for the e-mail whose text mentions `needle` in the SMTP server's log.
async function mailMentioning(needle, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = readFileSync(process.env.MAIL_LOG, 'utf8').split('\n').filter(Boolean);
    const found = lines.map((l) => JSON.parse(l)).find((m) => (m.subject || '').includes(needle) || (m.body || '').includes(needle));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no e-mail mentions ${needle}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the form: topic, problem, order, two files, confirmation as the e-mail says', async () => {
  const hostileTitle = await hostileOrder('buyer-1001');
  const who = await person(browser);
  const page = await who.page();
  await demoSignIn(page, 'buyer-1001');
  const started = Date.now();
  await page.goto(`${BASE}/account/contact`);
  await page.getByLabel('Раздел').selectOption('marketplace');
  const usable = Date.now() - started;
  console.log(`# figure: "Contact us" usable ${usable} ms after navigation`);
  await check(page, 'contact-empty');
  // Before writing, the help centre is one link away.
  assert.equal(await page.getByRole('link', { name: 'найти ответ в центре помощи' }).getAttribute('href'), '/help');

  // Nothing sent with errors: the browser says what is missing.
  await page.getByRole('button', { name: 'Отправить' }).click();
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'есть ошибки' }).waitFor());
  assert.equal(await page.locator('#topic-error').textContent(), 'Заполните это поле.');

  // "Urgent" is offered only where the topic allows it.
  await page.getByLabel('Тема').selectOption('returns');
  assert.equal(await page.getByLabel('Срочно').isVisible(), false, 'returns: no "urgent"');
  await page.getByLabel('Тема').selectOption('delivery');
  assert.equal(await page.getByLabel('Срочно').isVisible(), true, 'delivery: "urgent" allowed');
  assert.ok(await page.getByLabel('Заказ').isVisible(), 'a purchase topic asks for the order');
  const orderLabels = await page.locator('#order_number option').allTextContents();
  assert.ok(orderLabels.some((l) => /MP-10001/.test(l) && /\d{2}\.\d{2}\.\d{4}/.test(l)), orderLabels.join(' | '));
  // An order whose item name is markup is listed as text.
  const hostileLabel = orderLabels.find((l) => l.includes(HOSTILE_ORDER));
  assert.ok(hostileLabel?.includes(hostileTitle), `the item name as text: ${hostileLabel}`);
  const problems = await page.locator('#problem option').allTextContents();
  assert.equal(problems.at(-1), 'Другое', '"Other" is always last');
  await page.getByLabel('Что случилось', { exact: true }).selectOption('other');
  await page.getByLabel('Коротко: что случилось').fill(`Коробка помята ${HOSTILE}`);
  await page.getByLabel('Заказ').selectOption('MP-10001');
  await page.getByLabel('Подробности').fill(`Курьер оставил коробку у двери, она помята. ${HOSTILE}`);

  // Client-side file checks: type, count.
  await files(page).setInputFiles([{ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: EXE }]);
  assert.match(await page.locator('#files-error').textContent(), /setup\.exe: Такой тип файла не подходит/);
  const six = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.png`, mimeType: 'image/png', buffer: PNG }));
  await files(page).setInputFiles(six);
  assert.match(await page.locator('#files-error').textContent(), /не больше 5 файлов/);
  assert.equal(await page.locator('#file-list li').count(), 5);
  for (let i = 0; i < 5; i++) await page.getByRole('button', { name: /^Убрать/ }).first().click();
  assert.equal(await page.locator('#file-list li').count(), 0);
  // ... and size: a file over 10 MB is refused before anything is sent.
  await files(page).setInputFiles([{ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) }]);
  assert.equal(await page.locator('#files-error').textContent(), 'scan.png: Файл больше 10 МБ.');
  assert.equal(await page.locator('#file-list li').count(), 0);

  // A renamed executable passes the browser's check; the server refuses it
  // and the error appears at the files field. Nothing is stored.
  await files(page).setInputFiles([{ name: 'photo.png', mimeType: 'image/png', buffer: EXE }]);
  await page.getByRole('button', { name: 'Отправить' }).click();
  await assert.doesNotReject(page.locator('#files-error:not([hidden])').waitFor());
  assert.match(await page.locator('#files-error').textContent(), /photo\.png|тип|type/i);
  await page.getByRole('button', { name: /^Убрать/ }).click();

  const hostileName = `${HOSTILE}.png`;
  await files(page).setInputFiles([
    { name: hostileName, mimeType: 'image/png', buffer: PNG },
    { name: 'чек.pdf', mimeType: 'application/pdf', buffer: PDF },
  ]);
  assert.equal(await page.locator('#file-list img').count(), 1, 'the image is previewed');
  assert.match(await page.locator('#file-list').textContent(), /чек\.pdf/);
  await notPwned(page);
  await check(page, 'contact-filled');

  // The upload's progress bar: watched from the page while it is shown.
  await page.evaluate(() => {
    window.__progress = [];
    const bar = document.getElementById('progress');
    const watch = () => { if (!bar.hidden) window.__progress.push(bar.value); requestAnimationFrame(watch); };
    watch();
  });
  await page.getByRole('button', { name: 'Отправить' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Обращение принято' }).waitFor());
  const number = await page.locator('#done-number').textContent();
  assert.match(number, /^SB-\d{6}$/);
  const progress = await page.evaluate(() => window.__progress);
  assert.ok(progress.length > 0, 'the progress bar was shown while sending');
  assert.equal(await page.locator('#progress').isVisible(), false, 'and hidden once sent');
  const due = (await page.locator('#done-due').textContent()).match(/Ответим до (\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}) \(МСК\)/);
  assert.ok(due, await page.locator('#done-due').textContent());
  await check(page, 'contact-confirmation');

  const mail = await mailMentioning(number);
  assert.deepEqual(mail.rcpt_tos, ['anna@demo.example']);
  assert.ok(mail.body.includes(`Ответим до ${due[1]} (МСК)`), `the e-mail says the same time: ${mail.body}`);
  await notPwned(page);
  noProblems(who);
  await who.context.close();
});

test('on a phone (360 px) the form works and SMS is offered only with a phone', async () => {
  const who = await person(browser, { viewport: { width: 360, height: 740 } });
  const page = await who.page();
  await demoSignIn(page, 'buyer-1003');
  await page.goto(`${BASE}/account/contact`);
  assert.ok(await page.getByLabel('SMS').isDisabled(), 'no phone, no SMS');
  await page.getByLabel('Раздел').selectOption({ index: 1 });
  await page.getByLabel('Тема').selectOption({ index: 1 });
  await page.getByLabel('Что случилось', { exact: true }).selectOption({ index: 1 });
  if (await page.getByLabel('Заказ').isVisible()) await page.getByLabel('Заказ').selectOption({ index: 1 });
  await page.getByLabel('Подробности').fill('Вопрос с телефона');

  await page.getByLabel('Уведомление в приложении').check();
  await page.getByRole('button', { name: 'Отправить' }).click();
  await assert.doesNotReject(page.getByRole('heading', { name: 'Обращение принято' }).waitFor());
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0);
  // In English, the form's link leads to the help centre in English.
  await page.goto(`${BASE}/account/contact?lang=en`);
  await page.getByRole('link', { name: 'find an answer in the help centre' }).click();
  await page.waitForURL(`${BASE}/help?lang=en`);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Help centre' }).waitFor());
  noProblems(who);
  await who.context.close();
});

// A closed <select> takes the arrow keys: ArrowDown until `value` is chosen.
async function arrowTo(page, id, value) {
  for (let i = 0; i < 30; i++) {
    if (await page.locator(id).inputValue() === value) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`${id}: ${value} cannot be chosen with the arrow keys`);
}

test('keyboard only: the form is filled, refused and sent without a mouse', async () => {
  const who = await person(browser);
  const page = await who.page();
  await demoSignIn(page, 'buyer-1003');
  await page.goto(`${BASE}/account/contact`);
  await tabTo(page, '#line');
  await arrowTo(page, '#line', 'marketplace');
  await tabTo(page, '#topic');
  await arrowTo(page, '#topic', 'returns');
  // Sent too early: the summary of what is missing takes the focus (a screen
  // reader reads it: role "alert").
  await tabTo(page, 'Отправить');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'summary');
  assert.equal(await page.locator('#summary').getAttribute('role'), 'alert');
  await tabTo(page, '#problem');
  await arrowTo(page, '#problem', await page.locator('#problem option').nth(1).getAttribute('value'));
  await tabTo(page, '#order_number');
  await arrowTo(page, '#order_number', 'MP-10007');
  await tabTo(page, '#description');
  await page.keyboard.type('Хочу вернуть кастрюли: не подошли к плите');
  await tabTo(page, 'Отправить');
  await page.keyboard.press('Enter');
  await assert.doesNotReject(page.getByRole('heading', { name: 'Обращение принято' }).waitFor());
  // The confirmation takes the focus, so it is read at once.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'done');
  noProblems(who);
  await who.context.close();
});
