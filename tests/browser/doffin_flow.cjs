// A buyer publishes a tender in headless Chromium and it shows on the map, run by
// tests/doffin_browser.rs with FJORD_BASE (the server), ARTEFACTS (where screenshots go),
// BUYER and PASSWORD (an uploader of the buying organisation). The map on /doffin reads
// the notices from OGC API Features: its element says how many it holds
// (data-features). axe-core checks each page. Exits non-zero with the reason when a step
// fails.
'use strict';
const { check, accessible, launch, run, openPage } = require('./common.cjs');
const path = require('path');

const base = process.env.FJORD_BASE;
const artefacts = process.env.ARTEFACTS;

/** The number of notices the map on /doffin holds, once loaded and drawn. */
async function onTheMap(page) {
  await page.goto(base + '/doffin');
  await page.waitForSelector('#doffin-map[data-features]');
  await page.waitForSelector('#doffin-map[data-rendered="true"]');
  return Number(await page.locator('#doffin-map').getAttribute('data-features'));
}

async function main() {
  const browser = await launch();
  const errors = [];
  try {
    const page = await openPage(browser, errors, 1200, 1000);

    // the suppliers' page: the samples on the map
    const before = await onTheMap(page);
    check(before === 9, `the map holds ${before} notices before`);
    await accessible(page, 'doffin search page');
    await page.locator('#doffin-map').screenshot({ path: path.join(artefacts, 'doffin-map-before.png') });

    // the buyer logs in and drafts and publishes a notice for Ålesund
    await page.goto(base + '/doffin/ny');
    await page.getByRole('link', { name: 'Logg inn' }).first().click();
    await page.getByLabel('Brukernavn').fill(process.env.BUYER);
    await page.getByLabel('Passord').fill(process.env.PASSWORD);
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await page.waitForURL(/\/doffin\/ny$/);
    await page.getByLabel('Tittel').fill('Ny kai i Ålesund sentrum');
    await page.getByLabel('Beskrivelse').fill('Riving av gammel kai og bygging av ny kaifront.');
    await page.getByLabel('Oppdragsgivers navn').fill('Ålesund kommune');
    await page.getByLabel('Organisasjonsnummer').fill('942953119');
    await page.getByLabel('CPV-koder (komma mellom)').fill('45241100-9');
    await page.getByLabel('Tilbudsfrist (UTC)').fill('2027-06-01T12:00');
    await page.getByLabel('Anslått verdi (NOK)').fill('75000000');
    await page.getByLabel('Sted: lengdegrad').fill('6.1495');
    await page.getByLabel('Sted: breddegrad').fill('62.4722');
    await accessible(page, 'doffin new notice page');
    await page.getByRole('button', { name: 'Kunngjør' }).click();
    await page.waitForURL(/\/doffin\/[0-9a-f-]{36}$/);
    const status = await page.locator('#status').textContent();
    check(status === 'Kunngjort', `the notice's status: ${status}`);
    await accessible(page, 'doffin notice page');

    // it shows on the map, as one more dot
    const after = await onTheMap(page);
    check(after === before + 1, `the map holds ${after} notices after publishing`);
    await page.locator('#doffin-map').screenshot({ path: path.join(artefacts, 'doffin-map-after.png') });
    const listed = await page.getByRole('link', { name: 'Ny kai i Ålesund sentrum' }).count();
    check(listed === 1, 'the notice is listed in the search');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
    console.log(`published: the map went from ${before} to ${after} notices`);
  } finally {
    await browser.close();
  }
}

run(main);
