// The citizen's walk through the catalogue in headless Chromium (Debian's, driven by
// playwright-core; no browser download), run by tests/citizen_browser.rs with
// FJORD_BASE (the server), ARTEFACTS (where screenshots go) and DOWNLOADS (where the
// downloaded file goes). Exits non-zero with the reason when a step fails.
'use strict';
const { chromium } = require('playwright-core');
const { check, accessible } = require('./common.cjs');
const fs = require('fs');
const path = require('path');

const base = process.env.FJORD_BASE;
const artefacts = process.env.ARTEFACTS;
const downloads = process.env.DOWNLOADS;

async function main() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const errors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 }, locale: 'nb-NO', acceptDownloads: true });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.setDefaultTimeout(60000);

    // search "høyde" with the keyboard, titles suggested while typing
    await page.goto(base + '/');
    // the keyboard's first stop is the link past the header, to the main content
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => [document.activeElement.className, document.activeElement.getAttribute('href')]);
    check(first[0] === 'skip' && first[1] === '#main', `the first Tab stop: ${first}`);
    const field = page.getByLabel('Søk i kartkatalogen');
    await field.pressSequentially('høyd');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#suggestions option')].some((o) => o.value.startsWith('Høydemodell')));
    await field.press('e');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=h%C3%B8yde/);
    const hits = await page.locator('#hits-heading').textContent();
    check(hits.includes('2 treff'), `search "høyde": ${hits}`);
    await page.waitForFunction(() => [...document.querySelectorAll('img.thumb')].every((i) => i.complete && i.naturalWidth > 0));
    await accessible(page, 'search page');
    await page.screenshot({ path: path.join(artefacts, 'citizen-search.png'), fullPage: true });

    // open the elevation dataset and see its map drawn
    await page.getByRole('link', { name: /Høydemodell/ }).click();
    await page.waitForSelector('#preview[data-rendered="true"]');
    await page.locator('#preview').screenshot({ path: path.join(artefacts, 'citizen-preview.png') });
    await accessible(page, 'dataset page');

    // a county file into the basket
    await page.locator('#area').selectOption({ label: '03 Oslo' });
    await page.locator('#projection').selectOption('25833');
    await page.locator('#format').selectOption('GeoTIFF');
    await page.getByRole('button', { name: 'Legg i kurv' }).click();
    await page.waitForFunction(() => document.getElementById('added').textContent.startsWith('Lagt i kurven'));
    const count = await page.locator('[data-basket-count]').textContent();
    check(count === '1', `the basket holds ${count} lines`);

    // and an area drawn on the map around Oslo: a clip job
    await page.locator('#area').selectOption('Kart');
    check(await page.locator('#draw-help').isVisible(), 'the drawing help shows');
    const box = await page.locator('#preview').boundingBox();
    const at = (fx, fy) => [box.x + box.width * fx, box.y + box.height * fy];
    for (const [fx, fy] of [[0.38, 0.72], [0.42, 0.72], [0.42, 0.78]]) await page.mouse.click(...at(fx, fy));
    await page.mouse.dblclick(...at(0.38, 0.78));
    await page.getByRole('button', { name: 'Legg i kurv' }).click();
    await page.waitForFunction(() => document.querySelector('[data-basket-count]').textContent === '2');
    await page.screenshot({ path: path.join(artefacts, 'citizen-dataset.png'), fullPage: true });

    // order it from the basket
    await page.getByRole('link', { name: /Nedlastingskurv/ }).click();
    const line = await page.locator('#basket-lines li').first().textContent();
    check(line.includes('Oslo') && line.includes('GeoTIFF'), `the basket line: ${line}`);
    const drawnLine = await page.locator('#basket-lines li').nth(1).textContent();
    check(drawnLine.includes('Tegnet i kartet'), `the drawn area's line: ${drawnLine}`);
    check(await page.locator('#email').evaluate((e) => e.required), 'a drawn area needs an e-mail');
    await page.getByLabel(/E-post/).fill('ola@example.no');
    await accessible(page, 'basket page');
    await page.locator('#usage-group').selectOption('Privatperson');
    await page.locator('#purpose').selectOption('Fritid');
    await page.getByRole('button', { name: 'Bestill' }).click();
    await page.waitForURL(/\/api\/order\//);

    // the order page polls until both files are ready
    const rows = await page.locator('td.status').count();
    check(rows === 2, `the order has ${rows} files`);
    await page.waitForFunction(() =>
      [...document.querySelectorAll('td.status')].every((td) => td.dataset.status === 'ReadyForDownload'), null, { timeout: 180000 });
    await page.screenshot({ path: path.join(artefacts, 'citizen-order.png'), fullPage: true });
    await accessible(page, 'order page');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('td.name a', { hasText: '_03_Oslo_' }).click()]);
    fs.mkdirSync(downloads, { recursive: true });
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = fs.readFileSync(file);
    check(bytes.length > 100 && bytes.subarray(0, 2).toString() === 'PK', `the download ${file} is not a zip`);
    check(/_03_Oslo_25833_/.test(path.basename(file)), `the file name ${path.basename(file)}`);
    // both files in one zip
    const [bundled] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Last ned alle filene samlet' }).click()]);
    const bundleFile = path.join(downloads, bundled.suggestedFilename());
    await bundled.saveAs(bundleFile);
    check(fs.readFileSync(bundleFile).subarray(0, 2).toString() === 'PK', `the bundle ${bundleFile} is not a zip`);
    const left = await page.evaluate(() => localStorage.getItem('fjord.basket'));
    check(left === '[]', `the basket after ordering: ${left}`);

    // a phone's width: one column, nothing wider than the screen
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(base + '/?q=h%C3%B8yde&lang=en');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 360, `at 360 px the search page is ${wide} px wide`);
    await page.screenshot({ path: path.join(artefacts, 'citizen-phone.png'), fullPage: true });

    check(errors.length === 0, `script errors in the pages: ${errors.join('; ')}`);
    console.log(`downloaded ${path.basename(file)} (${bytes.length} bytes) and the bundle ${path.basename(bundleFile)}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
