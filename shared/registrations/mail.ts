import type { OutgoingMail } from '#shared/mail/outbox';
import type { BatchItem, TrainingItem } from './trainings.ts';
import { dateText } from './trainings.ts';

/** What a registration email needs of the registration. */
export interface Nominee {
  submissionId: string;
  name: string;
  email: string;
  officeCode: string;
}

type Purpose = 'received' | 'confirmed' | 'waitlisted' | 'promoted' | 'rejected' | 'cancelled';

const schedule = (batch: BatchItem) => [
  { label: 'Angkatan', value: batch.name },
  {
    label: 'Tanggal',
    value:
      batch.sessionDays.length === 1
        ? dateText(batch.sessionDays[0]!)
        : `${dateText(batch.sessionDays[0]!)} s.d. ${dateText(batch.sessionDays.at(-1)!)} (${batch.sessionDays.length} hari)`,
  },
  { label: 'Tempat', value: batch.venue },
];

/**
 * The nominee's emails (Bahasa Indonesia). One per purpose and registration (deterministic ids, so a retried step
 * queues no second copy).
 */
export const nomineeMail = (
  purpose: Purpose,
  nominee: Nominee,
  training: Pick<TrainingItem, 'title' | 'organiser'>,
  batch: BatchItem,
  extra: { seatNo?: number; position?: number; comment?: string; reason?: string } = {},
): OutgoingMail<'notice'> => {
  const seat = extra.seatNo === undefined ? [] : [{ label: 'Nomor kursi', value: String(extra.seatNo) }];
  const bring = batch.whatToBring ? [`Yang perlu dibawa: ${batch.whatToBring}`] : [];
  const content: Record<Purpose, { subject: string; paragraphs: string[] }> = {
    received: {
      subject: `Usulan peserta diterima: ${training.title}`,
      paragraphs: [
        `Kantor Anda (${nominee.officeCode}) mengusulkan Anda sebagai peserta. Usulan ini akan disetujui oleh kepala kantor, lalu oleh ${training.organiser}.`,
        'Anda akan menerima email lagi setelah keputusan akhir.',
      ],
    },
    confirmed: {
      subject: `Terdaftar sebagai peserta: ${training.title}`,
      paragraphs: [
        `Selamat, Anda terdaftar sebagai peserta dengan nomor kursi ${extra.seatNo}.`,
        ...bring,
        'Mohon hadir tepat waktu; sertifikat diberikan sesuai ketentuan kehadiran.',
      ],
    },
    waitlisted: {
      subject: `Daftar tunggu: ${training.title}`,
      paragraphs: [
        `Usulan Anda disetujui, tetapi kursi angkatan ini sudah penuh. Anda berada di daftar tunggu pada urutan ${extra.position}.`,
        'Bila ada kursi yang lepas sebelum batas waktu, Anda akan naik menjadi peserta dan diberi tahu melalui email.',
      ],
    },
    promoted: {
      subject: `Naik dari daftar tunggu: ${training.title}`,
      paragraphs: [
        `Ada kursi yang lepas: Anda sekarang terdaftar sebagai peserta dengan nomor kursi ${extra.seatNo}.`,
        ...bring,
      ],
    },
    rejected: {
      subject: `Usulan peserta tidak disetujui: ${training.title}`,
      paragraphs: [
        'Usulan Anda sebagai peserta tidak disetujui.',
        ...(extra.comment ? [`Catatan penyetuju: ${extra.comment}`] : []),
        ...(extra.reason ? [extra.reason] : []),
      ],
    },
    cancelled: {
      subject: `Pendaftaran dibatalkan: ${training.title}`,
      paragraphs: [
        'Pendaftaran Anda sebagai peserta telah dibatalkan.',
        ...(extra.reason ? [`Alasan: ${extra.reason}`] : []),
      ],
    },
  };
  return {
    id: `reg-${nominee.submissionId}-${purpose}`,
    to: [nominee.email],
    template: 'notice',
    data: {
      subject: content[purpose].subject,
      recipientName: nominee.name,
      paragraphs: content[purpose].paragraphs,
      details: [{ label: 'Pelatihan', value: training.title }, ...schedule(batch), ...seat],
      officeName: training.organiser,
    },
  };
};
