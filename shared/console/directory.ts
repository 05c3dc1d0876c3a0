import { documents, tableName } from '#shared/aws/clients';
import { listPeople } from '#shared/directory/people';
import { unitDetail } from '#shared/directory/positions';
import { SetHeadInput } from '#shared/directory/schemas';
import { notFound } from '#shared/http/problem';
import { text } from './admin-forms.ts';
import type { HeadPost } from './admin-pages.ts';
import type { FormPost } from './contracts.ts';
import { issuesByField } from './layout.ts';

/** What a unit's console page shows: the unit with its head, its people, and who may be named its head. */
export const unitView = async (code: string) => {
  const table = tableName();
  const unit = await unitDetail(documents, table, code, new Date());
  if (!unit) throw notFound('Unit tidak ditemukan');
  // A Plt. often comes from the unit above (a secretary acting for a vacant head): its people are candidates too.
  const [own, above] = await Promise.all([
    listPeople(documents, table, { unitCode: code, limit: 100 }),
    unit.parentCode ? listPeople(documents, table, { unitCode: unit.parentCode, limit: 100 }) : undefined,
  ]);
  return { unit, people: own.people, candidates: [...own.people, ...(above?.people ?? [])] };
};

/** The head form as posted, read into the directory's own `SetHeadInput`. */
export const headInputOf = (body: FormPost) => {
  const posted: HeadPost = {
    holderId: text(body, 'pemegang'),
    actingId: text(body, 'pelaksana'),
    kind: text(body, 'jenisPelaksana'),
    from: text(body, 'mulai'),
    until: text(body, 'sampai'),
  };
  const parsed = SetHeadInput.safeParse({
    version: Number.parseInt(text(body, 'expectedVersion'), 10) || 0,
    holderId: posted.holderId || null,
    acting: posted.actingId
      ? {
          personId: posted.actingId,
          kind: posted.kind,
          from: posted.from,
          ...(posted.until ? { until: posted.until } : {}),
        }
      : null,
  });
  return parsed.success
    ? { ok: true as const, value: parsed.data, posted }
    : { ok: false as const, errors: issuesByField(parsed.error.issues), posted };
};
