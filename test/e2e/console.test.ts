import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoStaff } from '#shared/directory/demo-seed';
import { launchBrowser } from '#test/support/browser';
import { json } from '#test/support/http';
import { ELEMENTS } from '#test/support/surveys';

/** The staff console in Chromium: sign-in through the local login page, forms filled and sent as a person would. */

let cloud: LocalCloud;
let browser: Browser;
const admin = demoStaff.find((s) => s.sub === 'dev-admin')!;
// Screenshots of the pages at laptop and phone widths (docs/console.md links them).
const SHOTS = 'test-results/console';

beforeAll(async () => {
  [cloud, browser] = await Promise.all([startLocalCloud({ accessKeyId: 'consolee2e', seed: true }), launchBrowser()]);
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await cloud?.stop();
});

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await cloud.token({ sub: admin.sub, groups: admin.groups })}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return json(response);
};

/** Signs in through the local stand-in for managed login, as the named staff member. */
const signIn = async (name: string, width = 1280): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${cloud.url}/konsol`);
  await page.getByLabel(new RegExp(name)).check();
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL(`${cloud.url}/konsol`);
  return { context, page };
};

/** The page at laptop width, then at phone width (the phone shot must not scroll sideways). */
const shoot = async (page: Page, name: string) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${SHOTS}/${name}-laptop.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.screenshot({ path: `${SHOTS}/${name}-phone.png`, fullPage: true });
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1280, height: 900 });
};

describe('the staff console in a browser', () => {
  it('an operator submits a form, fixing the field the server refused, and follows its approval', async () => {
    const form = await api('POST', '/forms', {
      title: 'Permohonan cuti tahunan',
      fields: [
        { name: 'nama', label: 'Nama pegawai', type: 'text', required: true, minLength: 3 },
        { name: 'nip', label: 'NIP pegawai', type: 'nip', required: true },
        { name: 'hari', label: 'Jumlah hari', type: 'number', required: true, min: 1, max: 12 },
        { name: 'mulai', label: 'Mulai cuti', type: 'date', required: true },
        {
          name: 'alasan',
          label: 'Alasan',
          type: 'select',
          required: true,
          options: [
            { value: 'keluarga', label: 'Urusan keluarga' },
            { value: 'istirahat', label: 'Istirahat' },
          ],
        },
      ],
    });
    const published = await api('POST', `/forms/${form.id}/status`, {
      action: 'publish',
      version: 1,
      expectedVersion: form.version,
    });
    const workflow = await api('POST', '/workflows', {
      name: 'Cuti: kepala dinas',
      stages: [
        {
          name: 'Kepala dinas',
          approvers: [{ kind: 'head-of-submitting-office' }],
          rule: { kind: 'all' },
          deadlineAfterDays: 5,
          onDeadline: { kind: 'auto-reject' },
        },
      ],
    });
    await api('PUT', `/forms/${form.id}/workflow`, { workflowId: workflow.id, expectedVersion: published.version });

    const { context, page } = await signIn('Siti Aminah');
    expect(await page.locator('h1').textContent()).toBe('Selamat datang, Siti Aminah');
    await shoot(page, 'beranda-operator');
    await page.getByRole('link', { name: 'Isi formulir' }).first().click();
    await page.getByRole('link', { name: 'Permohonan cuti tahunan' }).click();
    await page.locator('#f-nama').fill('Andi Pratama');
    // 13th month: the NIP's birth date is not a date, which only the server knows.
    await page.locator('#f-nip').fill('198013012005011001');
    await page.locator('#f-hari').fill('3');
    await page.locator('#f-mulai').fill('2026-12-14');
    await page.locator('#f-alasan').selectOption('keluarga');
    await page.getByRole('button', { name: 'Kirim pengajuan' }).click();

    await expect.poll(() => page.locator('#galat-nip').isVisible()).toBe(true);
    expect(await page.locator('#galat-nip').textContent()).not.toBe('');
    expect(await page.locator('#f-nip').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field-error').count()).toBe(1);
    expect(await page.locator('#f-nama').inputValue()).toBe('Andi Pratama');
    expect(await page.locator('#f-hari').inputValue()).toBe('3');
    expect(await page.locator('#f-mulai').inputValue()).toBe('2026-12-14');
    expect(await page.locator('#f-alasan').inputValue()).toBe('keluarga');
    await shoot(page, 'formulir-galat');

    await page.locator('#f-nip').fill('198001012005011001');
    await page.getByRole('button', { name: 'Kirim pengajuan' }).click();
    await page.waitForURL(/\/konsol\/pengajuan\/[0-9A-Z]{26}\?pesan=terkirim$/);
    expect(await page.getByRole('status').textContent()).toBe('Pengajuan terkirim.');
    const id = page.url().split('/').at(-1)!.split('?')[0]!;
    // The approval machine opens the first stage on its own; a reload shows it.
    await cloud.sfn.idle();
    await page.reload();
    expect(await page.locator('table').first().textContent()).toContain('Kepala dinas');
    await shoot(page, 'pengajuan');

    await page.getByRole('link', { name: 'Pengajuan', exact: true }).click();
    expect(await page.locator('table').textContent()).toContain(id);
    await shoot(page, 'daftar-pengajuan');

    // The Plt. head approves from the emailed link; the operator's page then shows it.
    await cloud.sfn.idle();
    let link: string | undefined;
    for (let attempt = 0; attempt < 50 && !link; attempt++) {
      link = (await cloud.outbox())
        .filter((m) => m.text?.includes(id))
        .flatMap((m) => m.links)
        .find((l) => l.includes('/approvals/'));
      if (!link) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const decision = await fetch(link!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    expect(decision.status).toBe(200);
    await cloud.sfn.idle();
    await page.goto(`${cloud.url}/konsol/pengajuan/${id}`);
    expect(await page.locator('[data-status]').first().textContent()).toBe('Disetujui');
    expect(await page.locator('table').first().textContent()).toContain('Ratna Sari: setuju');
    await context.close();
  });

  it('an admin creates a two-stage workflow and a form, previews it, publishes it and attaches the workflow', async () => {
    const { context, page } = await signIn('Rahmat Hidayat');
    await shoot(page, 'beranda-admin');
    await page.getByRole('link', { name: 'Alur persetujuan' }).first().click();
    await page.locator('#nama').fill('Izin acara dua tahap');
    await page.locator('#tahap').fill(
      JSON.stringify([
        {
          name: 'Kepala kantor',
          approvers: [{ kind: 'head-of-submitting-office' }],
          rule: { kind: 'all' },
          deadlineAfterDays: 5,
          onDeadline: { kind: 'auto-reject' },
        },
        {
          name: 'BKPSDM',
          approvers: [{ kind: 'head-of-unit', unitCode: 'BKPSDM' }],
          rule: { kind: 'any' },
          deadlineAfterDays: 5,
          onDeadline: { kind: 'auto-reject' },
        },
      ]),
    );
    await page.getByRole('button', { name: 'Buat alur' }).click();
    await page.waitForURL(/\/konsol\/admin\/alur\/[0-9A-Z]{26}\?pesan=dibuat$/);
    expect(await page.locator('table').textContent()).toMatch(/Kepala kantor.*BKPSDM/s);
    await shoot(page, 'alur');

    await page.getByRole('link', { name: 'Kelola formulir' }).first().click();
    await page.locator('#judul').fill('Izin penggunaan aula');
    await page.locator('#kolom').fill(
      JSON.stringify([
        { name: 'acara', label: 'Nama acara', type: 'text', required: true },
        { name: 'tanggal', label: 'Tanggal acara', type: 'date', required: true },
        { name: 'peserta', label: 'Jumlah peserta', type: 'number', required: true, min: 1 },
      ]),
    );
    await page.getByRole('button', { name: 'Buat formulir (draf)' }).click();
    await page.waitForURL(/\/konsol\/admin\/formulir\/[0-9A-Z]{26}\?pesan=dibuat$/);
    // The preview shows the fields as operators will get them.
    const preview = page.getByLabel('Pratinjau formulir');
    expect(await preview.locator('#f-acara').isDisabled()).toBe(true);
    expect(await preview.locator('label').allTextContents()).toEqual([
      'Nama acara *',
      'Tanggal acara *',
      'Jumlah peserta *',
    ]);
    await shoot(page, 'formulir-admin');

    await page.getByRole('button', { name: 'Terbitkan' }).click();
    await page.waitForURL(/pesan=diterbitkan$/);
    expect(await page.locator('[data-status]').textContent()).toBe('Diterbitkan');
    await page.locator('#alur').selectOption({ label: 'Izin acara dua tahap (versi 1)' });
    await page.getByRole('button', { name: 'Simpan alur' }).click();
    await page.waitForURL(/pesan=alur$/);
    expect(await page.getByRole('status').textContent()).toBe('Alur persetujuan formulir diperbarui.');
    expect(await page.locator('dl').textContent()).toContain('Alur persetujuanIzin acara dua tahap');
    await context.close();

    // An operator now finds it among the forms to fill, submits it, and its two-stage approval starts.
    const operator = await signIn('Bambang Saputra', 375);
    await operator.page.getByRole('link', { name: 'Isi formulir' }).first().click();
    expect(await operator.page.getByRole('link', { name: 'Izin penggunaan aula' }).count()).toBe(1);
    await operator.page.getByRole('link', { name: 'Izin penggunaan aula' }).click();
    await operator.page.locator('#f-acara').fill('Rapat koordinasi guru');
    await operator.page.locator('#f-tanggal').fill('2026-12-18');
    await operator.page.locator('#f-peserta').fill('40');
    await operator.page.getByRole('button', { name: 'Kirim pengajuan' }).click();
    await operator.page.waitForURL(/\/konsol\/pengajuan\/[0-9A-Z]{26}\?pesan=terkirim$/);
    await cloud.sfn.idle();
    await operator.page.reload();
    expect(await operator.page.locator('table').first().textContent()).toContain('Kepala kantor');
    await operator.context.close();
  });

  it("a unit head opens their unit's report: one bar per element with the JSON report's values, and the trend", async () => {
    const unit = 'KEC-06';
    for (const [i, base] of [3, 4].entries()) {
      const answers = Object.fromEntries(ELEMENTS.map((e, j) => [e, j === 2 ? 2 : base]));
      const response = await fetch(`${cloud.url}/surveys/${unit}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          answers,
          service: 'Surat keterangan',
          ...(i === 0 ? { suggestion: 'Ruang tunggu panas' } : {}),
        }),
      });
      expect(response.status).toBe(201);
    }
    const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Jakarta' })
      .format(new Date(cloud.clock.now()))
      .slice(0, 7);
    const token = await cloud.token({ sub: 'dev-unit-head', groups: ['unit-head'] });
    const report = await json(
      await fetch(`${cloud.url}/surveys/${unit}/report?from=${month.slice(0, 4)}-01&to=${month}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );

    const { context, page } = await signIn('Dewi Lestari');
    await page.getByRole('link', { name: 'Laporan survei' }).first().click();
    await page.waitForURL(`${cloud.url}/konsol/laporan/${unit}`);
    const bars = page.locator('svg.elements rect.bar');
    expect(await bars.count()).toBe(9);
    const shown = await bars.evaluateAll((rects) =>
      rects.map((r) => [r.getAttribute('data-key'), r.getAttribute('data-value')]),
    );
    expect(shown).toEqual(report.elements.map((e: { key: string; nrr: number }) => [e.key, e.nrr.toFixed(3)]));
    expect(shown[0]![0]).toBe('waktu');
    expect(await page.locator(`svg.trend circle[data-period="${month}"]`).getAttribute('data-ikm')).toBe(
      report.ikm.toFixed(2),
    );
    await shoot(page, 'laporan');
    await page.getByRole('link', { name: 'Lihat dan tanggapi' }).click();
    await page.getByLabel('Balasan unit').fill('Kipas angin sudah dipasang.');
    await page.getByRole('button', { name: 'Kirim balasan' }).click();
    await page.waitForURL(/pesan=dibalas/);
    expect(await page.locator('article').textContent()).toContain('“Kipas angin sudah dipasang.”');
    await shoot(page, 'saran');
    await context.close();
  });

  it('admin pages hold on a phone: directory, staff, failed mail, ranking', async () => {
    const { context, page } = await signIn('Rahmat Hidayat');
    for (const [path, name] of [
      ['/konsol/admin/direktori', 'direktori'],
      ['/konsol/admin/direktori?unit=DINKES', 'unit'],
      ['/konsol/admin/staf', 'staf'],
      ['/konsol/admin/surat', 'surat'],
      ['/konsol/laporan?minimum=1', 'peringkat'],
    ] as const) {
      await page.goto(`${cloud.url}${path}`);
      expect(await page.locator('h1').count()).toBe(1);
      await shoot(page, name);
    }
    await context.close();
  });
});
