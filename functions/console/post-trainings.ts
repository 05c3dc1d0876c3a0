import { ulid } from 'ulid';
import { documents, tableName } from '#shared/aws/clients';
import { list, text } from '#shared/console/admin-forms';
import { consoleCreateTrainingRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { trainingsPage } from '#shared/console/training-pages';
import { httpRoute } from '#shared/http/route';
import { NewTraining } from '#shared/registrations/contracts';
import { createTraining, visibleTrainings } from '#shared/registrations/trainings';

// The form's field for each part of the training, so an error stands beside what the admin typed.
const FIELD_OF: Record<string, string> = {
  title: 'judul',
  description: 'deskripsi',
  'eligibility.sectors': 'sektor',
  'eligibility.levels': 'jenjang',
  'eligibility.officeTypes': 'jenisKantor',
  'batches.0.name': 'namaAngkatan',
  'batches.0.capacity': 'kapasitas',
  'batches.0.sessionDays': 'hariSesi',
  'batches.0.venue': 'tempat',
  'batches.0.whatToBring': 'dibawa',
  'batches.0.registrationOpens': 'dibuka',
  'batches.0.registrationCloses': 'ditutup',
};

export const handler = httpRoute(consoleCreateTrainingRoute, async ({ body, caller, event }) => {
  await requireCsrf(event, body);
  const csv = (name: string) =>
    text(body, name)
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  const input = NewTraining.safeParse({
    title: text(body, 'judul'),
    description: text(body, 'deskripsi') || undefined,
    eligibility: { sectors: list(body, 'sektor'), levels: list(body, 'jenjang'), officeTypes: csv('jenisKantor') },
    batches: [
      {
        name: text(body, 'namaAngkatan'),
        capacity: Number(text(body, 'kapasitas')),
        sessionDays: csv('hariSesi'),
        venue: text(body, 'tempat'),
        whatToBring: text(body, 'dibawa') || undefined,
        registrationOpens: text(body, 'dibuka'),
        registrationCloses: text(body, 'ditutup'),
      },
    ],
  });
  if (!input.success) {
    const errors = new Map<string, string>();
    for (const issue of input.error.issues) {
      const path = issue.path.map(String);
      const field =
        FIELD_OF[path.join('.')] ?? FIELD_OF[path.slice(0, 3).join('.')] ?? FIELD_OF[path.slice(0, 2).join('.')];
      if (field && !errors.has(field)) errors.set(field, issue.message);
    }
    const [trainings, csrf] = await Promise.all([
      visibleTrainings({ db: documents, table: tableName() }, true, new Date()),
      csrfToken(event),
    ]);
    return { status: 422, html: trainingsPage(caller, trainings, csrf, { errors, posted: body }) };
  }
  const id = ulid();
  await createTraining(
    { db: documents, table: tableName() },
    input.data,
    caller.sub,
    { training: id, workflow: id },
    new Date(),
  );
  return { status: 303, location: `/konsol/pelatihan/${id}?pesan=dibuat` };
});
