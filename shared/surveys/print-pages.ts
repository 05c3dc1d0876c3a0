import type { Unit } from '#shared/directory/schemas';
import { html } from '#shared/pages/html';
import { page } from '#shared/pages/layout';
import { qrSvg, surveyUrl } from './qr.ts';
import type { TicketBatch } from './schemas.ts';

/**
 * Printable pages of the survey, A4 portrait: a unit's poster (its QR code, large, with the address written out
 * for those who type it) and a sheet of printed tickets to cut apart. On screen they read as ordinary pages; the
 * print rules drop the footer and fix the size.
 */

const PRINT_STYLE = `
@page{size:A4 portrait;margin:12mm}
@media print{footer,.no-print{display:none}main{max-width:none;padding:0}}
.poster{text-align:center}.poster h1{font-size:2.1rem;margin:.5rem 0 0}.poster .ajak{font-size:1.5rem;margin:.25rem 0 1rem}
.poster .unit{font-size:1.35rem;font-weight:700;margin:0 0 1rem}
.poster .qr{width:min(100%,110mm);margin:0 auto}.poster .qr svg{display:block;width:100%;height:auto}
.poster .alamat{font-size:1.15rem;font-weight:600;word-break:break-all}.poster ol{text-align:left;max-width:32rem;margin:1rem auto;font-size:1.05rem}
.sheet{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:0;margin-top:1rem}
.slip{border:1px dashed #6b7785;padding:3mm;display:flex;gap:3mm;align-items:center;break-inside:avoid;page-break-inside:avoid}
.slip svg{width:26mm;height:26mm;flex:none}.slip .kode{font:700 1.1rem/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.05em}
.slip p{margin:0;font-size:.8rem;overflow-wrap:anywhere}.slip .judul{font-weight:600}
`;

/** A unit's A4 poster: invitation, QR code of its survey page, the address, and how to answer. */
export const posterPage = (unit: Unit, baseUrl: string): string => {
  const url = surveyUrl(baseUrl, unit.code);
  return page({
    title: `Poster survei — ${unit.name}`,
    style: PRINT_STYLE,
    body: html`<div class="poster">
<h1>Survei Kepuasan Masyarakat</h1>
<p class="ajak">Bagaimana pelayanan kami hari ini?</p>
<p class="unit">${unit.name}</p>
<div class="qr">${qrSvg(url, `Kode QR survei ${unit.name}`)}</div>
<p>Pindai kode QR dengan kamera ponsel Anda, atau buka alamat:</p>
<p class="alamat">${url}</p>
<ol>
<li>Jawab 9 pertanyaan tentang layanan yang Anda terima (sekitar 2 menit).</li>
<li>Survei ini tanpa nama: kami tidak meminta nama, nomor telepon, atau NIK.</li>
<li>Jika petugas memberi Anda tiket, masukkan kodenya pada isian "Kode tiket".</li>
</ol>
<p class="no-print">Cetak halaman ini pada kertas A4 (menu Cetak pada peramban).</p>
</div>`,
  });
};

/** A sheet of a batch's tickets to cut apart: each slip has its code, and a QR code opening the form with it. */
export const ticketSheetPage = (unit: Unit, batch: TicketBatch, baseUrl: string): string =>
  page({
    title: `Tiket survei — ${unit.name}`,
    style: PRINT_STYLE,
    privacyLink: false,
    body: html`<h1>Tiket Survei Kepuasan Masyarakat</h1>
<p><strong>${unit.name}</strong>${batch.label ? html` — ${batch.label}` : ''}. ${batch.count} tiket, dibuat
${batch.createdAt.slice(0, 10)}. Potong sepanjang garis putus-putus; berikan satu tiket kepada setiap orang yang
Anda layani. Setiap kode hanya berlaku satu kali.</p>
<div class="sheet">${batch.codes.map(
      (code) => html`<div class="slip">${qrSvg(surveyUrl(baseUrl, unit.code, code), `Kode QR tiket ${code}`)}<div>
<p class="judul">Survei Kepuasan Masyarakat — ${unit.name}</p>
<p>Kode tiket:</p>
<p class="kode">${code}</p>
<p>${surveyUrl(baseUrl, unit.code)}</p>
</div></div>`,
    )}</div>`,
  });
