import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { launchBrowser } from '#test/support/browser';
import { json } from '#test/support/http';

let cloud: LocalCloud;
let browser: Browser;

beforeAll(async () => {
  [cloud, browser] = await Promise.all([startLocalCloud({ accessKeyId: 'surveyphone', seed: true }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await cloud?.stop();
});

const unit = 'KEC-06';
const month = '2026-03';

const responsesInReport = async (): Promise<number> => {
  const token = await cloud.token({ sub: 'dev-unit-head', groups: ['unit-head'] });
  const report = await json(
    await fetch(`${cloud.url}/surveys/${unit}/report?from=${month}`, { headers: { authorization: `Bearer ${token}` } }),
  );
  return report.responses;
};

/** A phone: small viewport, touch, a mobile user agent. */
const phone = () =>
  browser.newContext({
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36',
  });

describe('the survey on a phone', () => {
  it('is answered by touch, thanks the citizen, and counts one more response', async () => {
    cloud.clock.set(Date.parse('2026-03-16T03:00:00Z'));
    const before = await responsesInReport();
    const context = await phone();
    const page = await context.newPage();

    await page.goto(`${cloud.url}/s/${unit}`);
    expect(await page.locator('h1').textContent()).toBe('Survei Kepuasan Masyarakat');
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.getByLabel('Jenis layanan').selectOption('Surat keterangan');
    const questions = page.locator('fieldset[id^="q-"]');
    expect(await questions.count()).toBe(9);
    for (let i = 0; i < 9; i++) await questions.nth(i).locator('label.opt').nth(3).tap();
    await page.getByLabel('Jenis kelamin').selectOption('P');
    await page.getByLabel(/Saran atau pengaduan/).fill('Pelayanan cepat, terima kasih');
    await page.getByRole('button', { name: 'Kirim penilaian' }).tap();

    await page.getByRole('heading', { name: 'Terima kasih' }).waitFor();
    expect(await page.locator('main').textContent()).toContain(
      'Penilaian Anda untuk Kecamatan Ilir Timur I telah kami terima.',
    );
    expect(await responsesInReport()).toBe(before + 1);
    await context.close();
  });

  it('is opened by the QR code on the unit’s A4 poster', async () => {
    const context = await phone();
    const page = await context.newPage();

    await page.goto(`${cloud.url}/s/${unit}/poster`);
    expect(await page.locator('.unit').textContent()).toBe('Kecamatan Ilir Timur I');
    const shot = PNG.sync.read(await page.locator('.qr svg').screenshot());
    const decoded = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);

    expect(decoded?.data).toBe(`${cloud.url}/s/${unit}`);
    await page.goto(decoded!.data);
    expect(await page.locator('.unit').textContent()).toBe('Kecamatan Ilir Timur I');
    await context.close();
  });

  it('serves the same QR code as an SVG image', async () => {
    const response = await fetch(`${cloud.url}/s/${unit}/qr.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await response.text();

    const context = await browser.newContext({ viewport: { width: 400, height: 400 } });
    const page = await context.newPage();
    await page.setContent(`<body style="margin:0;background:#fff"><div style="width:300px">${svg}</div></body>`);
    const shot = PNG.sync.read(await page.locator('svg').screenshot());
    expect(jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data).toBe(`${cloud.url}/s/${unit}`);
    await context.close();
    expect((await fetch(`${cloud.url}/s/NOPE-9/qr.svg`)).status).toBe(404);
    expect((await fetch(`${cloud.url}/s/NOPE-9/poster`)).status).toBe(404);
  });
});
