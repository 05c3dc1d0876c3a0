import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { approvalHelpers, loopback } from '#test/support/approvals';
import { launchBrowser } from '#test/support/browser';

/** BKPSDM works its inbox in Chromium: twenty nominations approved at once, seats and waitlist by the rules. */

let cloud: LocalCloud;
let browser: Browser;
const { call, ok, decide, linkFor, settled } = approvalHelpers(() => cloud);
const admin = demoStaff.find((s) => s.sub === 'dev-admin')!; // an admin of BKPSDM
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
const dinkesHead = demoPeople.find((p) => p.name === 'Ratna Sari')!;
const SHOTS = 'test-results/console';
const NOMINATIONS = 20;
const CAPACITY = 15;

beforeAll(async () => {
  [cloud, browser] = await Promise.all([startLocalCloud({ accessKeyId: 'inboxe2e', seed: true }), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await cloud?.stop();
});

describe('the BKPSDM inbox in a browser', () => {
  it(`bulk-approves ${NOMINATIONS} nominations: ${CAPACITY} seats taken, the rest waitlisted in order`, async () => {
    const training = await ok(
      await call(admin, 'POST', '/trainings', {
        title: 'Diklat Pelayanan Prima',
        eligibility: { sectors: ['kesehatan'], levels: ['pengawas'], officeTypes: ['dinas'] },
        batches: [
          {
            name: 'Angkatan I',
            capacity: CAPACITY,
            sessionDays: ['2026-12-14'],
            venue: 'Venue Kebon Gede',
            registrationOpens: '2026-11-01',
            registrationCloses: '2026-12-10',
          },
        ],
      }),
      201,
    );
    await ok(await call(admin, 'POST', `/trainings/${training.id}/status`, { status: 'published' }));
    const ids: string[] = [];
    for (let n = 0; n < NOMINATIONS; n++) {
      const born = new Date(Date.UTC(1978, 0, 1 + n)).toISOString().slice(0, 10).replaceAll('-', '');
      const values = {
        nip: `${born}200301${1 + (n % 2)}${String(n + 1).padStart(3, '0')}`,
        nama: `Peserta ${n + 1}`,
        jabatan: 'Kepala Seksi',
        jenjang: 'pengawas',
        sektor: 'kesehatan',
        email: `peserta${n + 1}@dinkes.palembang.local`,
        telepon: '081234567890',
        alasan: 'Penguatan pelayanan dasar.',
        angkatan: '1',
      };
      const submission = await ok(await call(dinkes, 'POST', `/forms/${training.id}/submissions`, { values }), 201);
      ids.push(submission.id);
      await decide(await linkFor(dinkesHead.email, submission.id), { decision: 'approve' }, loopback(n));
    }
    for (const id of ids) await linkFor(admin.email, id);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${cloud.url}/konsol/kotak-masuk`);
    await page.getByLabel(new RegExp(admin.name)).check();
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.waitForURL(`${cloud.url}/konsol/kotak-masuk`);
    // Filter to the training, as BKPSDM works one training and batch at a time.
    await page.getByLabel('Pelatihan').selectOption(training.id);
    await page.getByRole('button', { name: 'Saring' }).click();
    await page.getByLabel('Angkatan').selectOption('1');
    await page.getByRole('button', { name: 'Saring' }).click();
    await expect.poll(() => page.locator('input[name="items"]').count()).toBe(NOMINATIONS);
    await page.screenshot({ path: `${SHOTS}/kotak-masuk-laptop.png`, fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.screenshot({ path: `${SHOTS}/kotak-masuk-phone.png`, fullPage: true });
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 900 });

    for (const box of await page.locator('input[name="items"]').all()) await box.check();
    await page.getByLabel('Setujui').check();
    await page.getByRole('button', { name: 'Kirim keputusan' }).click();
    await page.waitForURL(/pesan=diputuskan/);
    expect(await page.getByRole('status').textContent()).toContain('Keputusan tercatat.');
    await context.close();

    for (const id of ids) await settled(id, 'SUCCEEDED');
    const registrations = (await ok(await call(admin, 'GET', `/trainings/${training.id}/registrations`))).items as {
      status: string;
      seatNo?: number;
      waitlistPosition?: number;
    }[];
    expect(registrations.filter((r) => r.status === 'confirmed')).toHaveLength(CAPACITY);
    expect(
      registrations
        .map((r) => r.seatNo)
        .filter((s) => s !== undefined)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: CAPACITY }, (_, i) => i + 1));
    expect(
      registrations
        .filter((r) => r.status === 'waitlisted')
        .map((r) => r.waitlistPosition)
        .sort((a, b) => a! - b!),
    ).toEqual([1, 2, 3, 4, 5]);
    const batch = (await ok(await call(dinkes, 'GET', `/trainings/${training.id}`))).batches[0];
    expect(batch).toMatchObject({ seatsTaken: CAPACITY, remainingSeats: 0, waitlistLength: NOMINATIONS - CAPACITY });
  });
});
