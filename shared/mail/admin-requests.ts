import { ConflictError, InvalidError, NotFoundError } from '#shared/errors';
import { listMail, MailCursorError, type MailSummary, mailStore, resendMail } from './admin.ts';
import { type MailDeps, type MailStatus, mailDeps } from './outbox.ts';
import type { MailStore } from './suppression.ts';

/** What admins ask of the outbox through the API, with refusals as domain errors in Bahasa Indonesia. */

/** One page of mail in a status; a cursor this listing did not hand out is a field error. */
export const listMailPage = async (
  query: { status: MailStatus; limit: number; cursor?: string },
  store: MailStore = mailStore(),
): Promise<{ mail: MailSummary[]; next?: string }> => {
  try {
    const { items, cursor } = await listMail(query, store);
    return { mail: items, ...(cursor ? { next: cursor } : {}) };
  } catch (error) {
    if (!(error instanceof MailCursorError)) throw error;
    throw new InvalidError('Kursor halaman tidak valid; mulai lagi dari halaman pertama.', {
      errors: [{ field: 'cursor', message: 'Kursor tidak dikenali untuk status ini' }],
    });
  }
};

/** Resends a failed or bounced mail; every refusal of `resendMail` becomes a 404 or 409 with a clear message. */
export const resendMailRequest = async (
  id: string,
  deps: MailDeps = mailDeps(),
): Promise<{ id: string; outcome: string }> => {
  const result = await resendMail(id, deps);
  if (result.ok) return { id, outcome: result.outcome };
  switch (result.reason) {
    case 'not-found':
      throw new NotFoundError('Surat tidak ditemukan');
    case 'not-resendable':
      throw new ConflictError(
        `Surat ini berstatus ${result.status}; hanya surat yang gagal (failed) atau terpental (bounced) yang dapat ` +
          'dikirim ulang.',
      );
    case 'content-discarded':
      throw new ConflictError(
        'Isi surat ini sudah dihapus setelah terkirim karena memuat tautan rahasia, jadi tidak dapat dikirim ulang. ' +
          'Ulangi dari proses asalnya untuk membuat surat baru.',
      );
    case 'recipient-suppressed':
      throw new ConflictError(
        `Penerima berikut diblokir karena surat sebelumnya terpental atau dilaporkan sebagai spam: ` +
          `${(result.suppressedRecipients ?? []).join(', ')}. Perbaiki alamatnya atau cabut blokirnya terlebih dahulu.`,
      );
    case 'conflict':
      throw new ConflictError(
        'Surat ini baru saja diubah oleh proses lain (mungkin admin lain mengirim ulang). Muat ulang daftar lalu coba lagi.',
      );
  }
};
