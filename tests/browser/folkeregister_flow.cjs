// The National Register in headless Chromium, run by tests/folkeregister_browser.rs with
// FJORD_BASE, ARTEFACTS, STRANGER and PASSWORD (a user who is no public office),
// PERSON, PERSON_PASSWORD and OTP (a person in the register, with a one-time code) and
// ENTRY (the person's national identity number). An unauthorised user cannot read a
// register entry: not on MyPage, not through the API, not in the search; the person,
// logged in at level high, reads their own. axe-core checks the pages.
'use strict';
const { check, accessible, launch, run, openPage } = require('./common.cjs');
const path = require('path');

const base = process.env.FJORD_BASE;
const artefacts = process.env.ARTEFACTS;
const entry = process.env.ENTRY;

/** Log in through the gateway's page, from MyPage's register page, coming back to it. */
async function logIn(page, user, password, otp) {
  await page.goto(base + '/minside/folkeregister');
  await page.locator('main').getByRole('link', { name: 'Logg inn' }).click();
  await page.getByLabel('Brukernavn').fill(user);
  await page.getByLabel('Passord').fill(password);
  if (otp) await page.getByLabel(/Engangskode/).fill(otp);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/\/minside\/folkeregister$/);
}

/** What a fetch from the page gets: [status, body]. */
async function fetched(page, url) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    return [r.status, await r.text()];
  }, url);
}

async function main() {
  const browser = await launch();
  const errors = [];
  try {
    // an unauthorised user: no entry on MyPage, 403 from the API, nothing in the search
    const page = await openPage(browser, errors, 1200, 900);
    const anonymous = await page.goto(base + '/minside/folkeregister');
    check(anonymous.status() === 401, `anonymous: ${anonymous.status()}`);
    await logIn(page, process.env.STRANGER, process.env.PASSWORD);
    const text = await page.locator('main').textContent();
    check(text.includes('sikkerhetsnivå høyt') && !text.includes(entry), `the stranger's MyPage: ${text}`);
    await accessible(page, 'register page, refused');
    await page.screenshot({ path: path.join(artefacts, 'folkeregister-refused.png'), fullPage: true });
    const [office, why] = await fetched(page, `/api/folkeregister/persons/${entry}`);
    check(office === 403, `the stranger reads the entry through the API: ${office} ${why}`);
    const [record] = await fetched(page, `/api/catalogue/records/folkeregister-${entry}`);
    check(record === 404, `the stranger reads the record: ${record}`);
    const [, search] = await fetched(page, '/api/catalogue/search?kind=person&limit=100');
    check(JSON.parse(search).total === 0, `the stranger's search: ${search}`);
    const page2 = await fetched(page, `/?q=${entry}`);
    check(!page2[1].includes('Folkeregisteroppføring'), 'the search page lists no entry');
    console.log(`refused: MyPage asks for level high, the API answers ${office}, the record ${record}, the search 0`);
    await page.context().close();

    // the person, at level high, reads their own entry
    const mine = await openPage(browser, errors, 1200, 900);
    await logIn(mine, process.env.PERSON, process.env.PERSON_PASSWORD, process.env.OTP);
    const shown = await mine.locator('#entry').textContent();
    check(shown.includes(entry), `the person's entry: ${shown}`);
    await accessible(mine, 'register page, own entry');
    await mine.screenshot({ path: path.join(artefacts, 'folkeregister-own.png'), fullPage: true });
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
    console.log('the person reads their own entry at level high');
  } finally {
    await browser.close();
  }
}

run(main);
