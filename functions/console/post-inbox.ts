import { documents, tableName } from '#shared/aws/clients';
import { list, text } from '#shared/console/admin-forms';
import { consoleInboxDecideRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { inboxPage } from '#shared/console/training-pages';
import { httpRoute } from '#shared/http/route';
import { listTrainings } from '#shared/registrations/trainings';
import { decideAsSeatHolderEach } from '#shared/workflow/decide';
import { engineDeps } from '#shared/workflow/deps';
import { listInbox } from '#shared/workflow/inbox';

const ITEM = /^([0-9A-HJKMNP-TV-Z]{26}):(\d{1,2}):(\d{1,2}):([se]\d{1,2})$/;

// Each checked request is decided on its own, with the link decision's rules and audit; one after another.
export const handler = httpRoute(consoleInboxDecideRoute, async ({ body, caller, event }) => {
  await requireCsrf(event, body);
  const checked = list(body, 'items');
  const decision = text(body, 'keputusan');
  const comment = text(body, 'catatan');
  const errors = new Map<string, string>();
  const refs = checked.map((value) => ITEM.exec(value)).filter((m) => m !== null);
  if (refs.length === 0 || refs.length !== checked.length || refs.length > 100) {
    errors.set('items', 'Pilih satu sampai 100 permintaan.');
  }
  if (decision !== 'approve' && decision !== 'reject') errors.set('keputusan', 'Pilih setujui atau tolak.');
  if (decision === 'reject' && comment.length === 0) errors.set('catatan', 'Tuliskan alasan penolakan.');
  if (errors.size > 0) {
    const [entries, trainings, csrf] = await Promise.all([
      listInbox(engineDeps(), caller.email, {}),
      listTrainings({ db: documents, table: tableName() }, 'published', new Date()),
      csrfToken(event),
    ]);
    return { status: 422, html: inboxPage(caller, entries, trainings, {}, csrf, { errors, checked, comment }) };
  }
  const results = await decideAsSeatHolderEach(
    engineDeps(),
    refs.map(([, submissionId, round, stageIndex, seat]) => ({
      submissionId: submissionId!,
      round: Number(round),
      stageIndex: Number(stageIndex),
      seat: seat!,
    })),
    caller,
    decision as 'approve' | 'reject',
    comment,
  );
  // Some recorded, some refused by a busy service: say so; the refused ones are still in the inbox.
  const notice = results.some((r) => r.outcome === 'failed') ? 'sebagian' : 'diputuskan';
  return { status: 303, location: `/konsol/kotak-masuk?pesan=${notice}` };
});
