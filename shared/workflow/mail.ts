import type { OutgoingMail } from '#shared/mail/outbox';
import type { MailContent } from '#shared/mail/templates';
import { approvalPath } from './links.ts';
import { type RequestItem, type SeatItem, type StageItem, wibDateTime } from './state.ts';

/**
 * The engine's emails, in Bahasa Indonesia. Each has a deterministic outbox id (per request, round, stage, seat and
 * purpose): a retried step writes the same id and its transaction's condition refuses the second copy.
 */

const statusPath = (request: RequestItem) => `/pengajuan/${request.id}`;

const requestDetails = (request: RequestItem, stage?: StageItem) => [
  { label: 'Formulir', value: request.formTitle },
  { label: 'Nomor pengajuan', value: request.id },
  { label: 'Kantor pengaju', value: request.officeCode },
  ...(request.requesterName ? [{ label: 'Diajukan oleh', value: request.requesterName }] : []),
  ...(stage ? [{ label: 'Tahap', value: `${stage.stageIndex + 1}. ${stage.name} (putaran ${stage.round})` }] : []),
];

const mail = (id: string, to: string, content: MailContent, containsSecret = false): OutgoingMail<'notice'> => ({
  id,
  to: [to],
  template: 'notice',
  data: content,
  containsSecret,
});

/** The link mail to one seat: the only place a link token is ever written, and it leaves the table once sent. */
export const approvalRequestMail = (
  request: RequestItem,
  stage: StageItem,
  seat: SeatItem,
  token: string,
  office: string,
  purpose: 'request' | 'reminder' | 'delegated',
): OutgoingMail<'notice'> =>
  mail(
    `wf-${request.id}-${stage.round}-${stage.stageIndex}-${seat.seat}-${purpose}`,
    seat.email,
    {
      subject:
        purpose === 'reminder'
          ? `Pengingat: persetujuan ${request.formTitle} menunggu keputusan Anda`
          : `Mohon persetujuan: ${request.formTitle}`,
      recipientName: seat.name,
      paragraphs: [
        purpose === 'reminder'
          ? 'Pengajuan berikut masih menunggu keputusan Anda.'
          : purpose === 'delegated'
            ? `${seat.delegatedFrom ?? 'Seorang penyetuju'} mendelegasikan keputusan atas pengajuan berikut kepada Anda.`
            : 'Pengajuan berikut menunggu keputusan Anda.',
        'Buka tautan di bawah untuk melihat isi pengajuan, lalu setujui, tolak, minta perbaikan, atau delegasikan. ' +
          'Membuka tautan saja tidak mengubah apa pun; keputusan baru tercatat setelah Anda menekan tombol.',
        ...(stage.deadlineAt ? [`Batas waktu keputusan: ${wibDateTime(stage.deadlineAt)}.`] : []),
        'Tautan ini khusus untuk Anda dan hanya dapat dipakai sekali. Jangan teruskan email ini.',
      ],
      details: requestDetails(request, stage),
      action: { label: 'Buka halaman keputusan', path: approvalPath(token) },
      officeName: office,
    },
    true,
  );

export type RequesterNews =
  | { kind: 'approved' }
  | { kind: 'rejected'; comment?: string; reason?: string }
  | { kind: 'changes'; comment?: string; resubmitBy: string }
  | { kind: 'withdrawn'; reason?: string };

const NEWS: Record<RequesterNews['kind'], string> = {
  approved: 'disetujui',
  rejected: 'ditolak',
  changes: 'perlu diperbaiki',
  withdrawn: 'ditarik',
};

/** The requester's email on an outcome, with the status page link. */
export const requesterMail = (
  request: RequestItem,
  news: RequesterNews,
  office: string,
): OutgoingMail<'notice'> | undefined => {
  if (!request.requesterEmail) return undefined;
  const paragraphs =
    news.kind === 'approved'
      ? ['Pengajuan Anda telah disetujui pada semua tahap.']
      : news.kind === 'rejected'
        ? [
            'Pengajuan Anda ditolak.',
            ...(news.comment ? [`Catatan penyetuju: ${news.comment}`] : []),
            ...(news.reason ? [news.reason] : []),
          ]
        : news.kind === 'changes'
          ? [
              'Penyetuju meminta perbaikan atas pengajuan Anda.',
              ...(news.comment ? [`Catatan penyetuju: ${news.comment}`] : []),
              `Perbaiki lalu ajukan kembali paling lambat ${wibDateTime(news.resubmitBy)}; setelah itu pengajuan ditarik otomatis.`,
            ]
          : ['Pengajuan ini telah ditarik.', ...(news.reason ? [news.reason] : [])];
  return mail(`wf-${request.id}-${request.round}-${news.kind}`, request.requesterEmail, {
    subject: `Pengajuan ${request.formTitle} ${NEWS[news.kind]}`,
    recipientName: request.requesterName,
    paragraphs,
    details: requestDetails(request),
    action: { label: 'Lihat status pengajuan', path: statusPath(request) },
    officeName: office,
  });
};
