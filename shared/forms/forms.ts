import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#shared/db/cursor';
import { createOrReplay, idTaken, sameAsStored } from '#shared/db/keyed-create';
import {
  formKeys,
  formVersionKeys,
  retentionMarker,
  submissionKeys,
  workflowKeys,
  workflowSignalMarker,
} from '#shared/db/keys';
import { type TransactionItem, transact } from '#shared/db/transact';
import { ConflictError, InvalidError, NotFoundError } from '#shared/errors';
import { deliverAfterCommit } from '#shared/mail/outbox';
import { hooksFor } from '#shared/workflow/hooks';
import type * as z from '#shared/zod';
import type { FormDetail, FormSummary, NewForm, Submission } from './contracts.ts';
import { compileForm, type FieldDefinition } from './definition.ts';

/** Where forms live: the document client and the domain table. */
export interface FormStore {
  db: DynamoDBDocumentClient;
  table: string;
}

type Head = z.infer<typeof FormSummary>;
type Detail = z.infer<typeof FormDetail>;
type StoredSubmission = z.infer<typeof Submission>;

const headOf = (item: Record<string, unknown>): Head => ({
  id: String(item.id),
  title: String(item.title),
  description: item.description as string | undefined,
  status: item.status as Head['status'],
  latestVersion: Number(item.latestVersion),
  publishedVersion: item.publishedVersion === undefined ? undefined : Number(item.publishedVersion),
  version: Number(item.version),
  updatedAt: String(item.updatedAt),
});

const readHead = async (store: FormStore, formId: string): Promise<Head> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK: `FORM#${formId}`, SK: 'FORM' }, ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Formulir tidak ditemukan');
  return headOf(Item);
};

/** The fields of one version of a form (versions never change once written). */
export const readFormFields = async (store: FormStore, formId: string, version: number): Promise<FieldDefinition[]> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: formVersionKeys(formId, version), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError(`Versi ${version} formulir ini tidak ada`);
  return Item.fields as FieldDefinition[];
};

/**
 * What a form brings to its submissions beyond fields: the workflow attached (with its latest version, which each
 * submission pins) and the capability hooks named on the form head.
 */
const readAttachments = async (
  store: FormStore,
  formId: string,
): Promise<{ workflow?: { id: string; version: number }; hooks?: string }> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK: `FORM#${formId}`, SK: 'FORM' }, ConsistentRead: true }),
  );
  const hooks = typeof Item?.hooks === 'string' ? Item.hooks : undefined;
  if (typeof Item?.workflowId !== 'string') return { hooks };
  const { PK, SK } = workflowKeys(Item.workflowId, '');
  const { Item: workflow } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK, SK }, ConsistentRead: true }),
  );
  if (!workflow) throw new ConflictError('Alur persetujuan formulir ini tidak ditemukan; hubungi administrator.');
  return { workflow: { id: Item.workflowId, version: Number(workflow.latestVersion) }, hooks };
};

const changed = () => new ConflictError('Formulir telah diubah orang lain; muat ulang lalu coba lagi.');

/** A form with the fields of `version`, else the published version, else the latest. */
export const getForm = async (store: FormStore, formId: string, version?: number): Promise<Detail> => {
  const head = await readHead(store, formId);
  const fieldsVersion = version ?? head.publishedVersion ?? head.latestVersion;
  return { ...head, fields: await readFormFields(store, formId, fieldsVersion), fieldsVersion };
};

/** Creates a form as a draft with its first version of fields, both items in one transaction. */
export const createForm = async (
  store: FormStore,
  input: z.infer<typeof NewForm>,
  by: string,
  id: string,
  now: Date,
): Promise<Detail> =>
  createOrReplay(
    async () => {
      await transact(store.db, newFormItems(store.table, id, input, by, now));
      return getForm(store, id, 1);
    },
    // Sent again with its key after the first commit: answered with the form as stored, if it is this request's.
    async (existing) => {
      if (existing.entity !== 'form' || existing.createdBy !== by) return undefined;
      const stored = await getForm(store, id, 1);
      const asStored = { title: stored.title, description: stored.description, fields: stored.fields };
      return sameAsStored(asStored, input) ? stored : undefined;
    },
  );

/**
 * The items of a new form (head and version 1), for a transaction: a draft by default; a capability creating its
 * own form (a training's registration form) may publish it at once, attach a workflow and name its hooks.
 */
export const newFormItems = (
  table: string,
  id: string,
  input: z.infer<typeof NewForm>,
  by: string,
  now: Date,
  extra: { published?: boolean; workflowId?: string; hooks?: string; trainingId?: string } = {},
): TransactionItem[] => {
  const at = now.toISOString();
  const status = extra.published ? 'published' : 'draft';
  const head = {
    ...formKeys(id, status, input.title),
    _v: 1,
    entity: 'form',
    id,
    title: input.title,
    description: input.description,
    status,
    latestVersion: 1,
    ...(extra.published ? { publishedVersion: 1 } : {}),
    ...(extra.workflowId ? { workflowId: extra.workflowId } : {}),
    ...(extra.hooks ? { hooks: extra.hooks } : {}),
    ...(extra.trainingId ? { trainingId: extra.trainingId } : {}),
    version: 1,
    createdBy: by,
    createdAt: at,
    updatedAt: at,
  };
  return [
    {
      put: { TableName: table, Item: head, ConditionExpression: 'attribute_not_exists(PK)' },
      onConditionFailed: idTaken('Formulir dengan id ini sudah ada'),
    },
    {
      put: {
        TableName: table,
        Item: {
          ...formVersionKeys(id, 1),
          _v: 1,
          entity: 'form-version',
          fields: input.fields,
          createdBy: by,
          createdAt: at,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ];
};

/**
 * Adds the next version of a form's fields (and optionally publishes it). Versions never change once written:
 * submissions pin the version they were validated against.
 */
export const addVersion = async (
  store: FormStore,
  formId: string,
  change: { fields: FieldDefinition[]; publish: boolean; expectedVersion: number },
  by: string,
  now: Date,
): Promise<Detail> => {
  const head = await readHead(store, formId);
  if (head.status === 'archived') throw new ConflictError('Formulir sudah diarsipkan');
  const next = head.latestVersion + 1;
  const status = change.publish ? 'published' : head.status;
  const at = now.toISOString();
  await transact(store.db, [
    {
      update: {
        TableName: store.table,
        Key: { PK: `FORM#${formId}`, SK: 'FORM' },
        UpdateExpression: `SET latestVersion = :next, version = :expected + :one, updatedAt = :at, #status = :status, GSI1SK = :sk${
          change.publish ? ', publishedVersion = :next' : ''
        }`,
        ConditionExpression: 'version = :expected AND #status <> :archived',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':next': next,
          ':expected': change.expectedVersion,
          ':one': 1,
          ':at': at,
          ':status': status,
          ':sk': formKeys(formId, status, head.title).GSI1SK,
          ':archived': 'archived',
        },
      },
      onConditionFailed: changed,
    },
    {
      put: {
        TableName: store.table,
        Item: {
          ...formVersionKeys(formId, next),
          _v: 1,
          entity: 'form-version',
          fields: change.fields,
          createdBy: by,
          createdAt: at,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
      onConditionFailed: changed,
    },
  ]);
  return getForm(store, formId, change.publish ? next : undefined);
};

/** Publishes an existing version, or archives the form. */
export const setFormStatus = async (
  store: FormStore,
  formId: string,
  change:
    | { action: 'publish'; version: number; expectedVersion: number }
    | { action: 'archive'; expectedVersion: number },
  now: Date,
): Promise<Detail> => {
  const head = await readHead(store, formId);
  if (change.action === 'publish' && change.version > head.latestVersion) {
    throw new InvalidError(`Versi ${change.version} belum ada`, {
      errors: [{ field: 'version', message: 'versi tidak ada' }],
    });
  }
  const status = change.action === 'publish' ? 'published' : 'archived';
  await transact(store.db, [
    {
      update: {
        TableName: store.table,
        Key: { PK: `FORM#${formId}`, SK: 'FORM' },
        UpdateExpression: `SET #status = :status, version = :expected + :one, updatedAt = :at, GSI1SK = :sk${
          change.action === 'publish' ? ', publishedVersion = :published' : ''
        }`,
        ConditionExpression: 'version = :expected',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status,
          ':expected': change.expectedVersion,
          ':one': 1,
          ':at': now.toISOString(),
          ':sk': formKeys(formId, status, head.title).GSI1SK,
          ...(change.action === 'publish' ? { ':published': change.version } : {}),
        },
      },
      onConditionFailed: changed,
    },
  ]);
  return getForm(store, formId);
};

/** Forms by status (published by default), a page at a time; a query on GSI1, never a scan. */
export const listForms = async (
  store: FormStore,
  query: { status?: Head['status']; limit: number; cursor?: string },
): Promise<{ items: Head[]; next?: string }> => {
  const status = query.status ?? 'published';
  const answer = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :forms AND begins_with(GSI1SK, :status)',
      ExpressionAttributeValues: { ':forms': 'FORMS', ':status': `${status}#` },
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor, 'GSI1PK', 'FORMS'),
    }),
  );
  return { items: (answer.Items ?? []).map(headOf), next: encodeCursor(answer.LastEvaluatedKey) };
};

/**
 * Submits values for the caller's office against the form's published version. The values are validated by the
 * schema compiled from that version (every bad field named) and stored with the version they fit; the write is
 * conditioned on the form still being published at that version, and on the id being new (an idempotent retry
 * derives the same id).
 */
export const submitForm = async (
  store: FormStore,
  formId: string,
  values: Record<string, unknown>,
  by: { sub: string; officeCode: string; name?: string; email?: string },
  id: string,
  now: Date,
): Promise<StoredSubmission> => {
  const head = await readHead(store, formId);
  const attached = await readAttachments(store, formId);
  if (head.status !== 'published' || head.publishedVersion === undefined) {
    throw new ConflictError('Formulir ini tidak sedang dibuka untuk pengajuan');
  }
  const version = head.publishedVersion;
  const parsed = compileForm(await readFormFields(store, formId, version), () => now).safeParse(values);
  if (!parsed.success) {
    throw new InvalidError('Isian formulir tidak valid', {
      errors: parsed.error.issues.map((issue) => ({
        field: ['values', ...issue.path.map(String)].join('.'),
        message: issue.code === 'unrecognized_keys' ? `kolom tidak dikenal: ${issue.keys.join(', ')}` : issue.message,
      })),
    });
  }
  const at = now.toISOString();
  const submission: StoredSubmission = {
    id,
    formId,
    formVersion: version,
    formTitle: head.title,
    officeCode: by.officeCode,
    submittedBy: by.sub,
    status: 'submitted',
    values: parsed.data as Record<string, unknown>,
    createdAt: at,
    updatedAt: at,
    ...(attached.workflow
      ? { workflowId: attached.workflow.id, workflowVersion: attached.workflow.version, round: 1 }
      : {}),
  };
  const keys = submissionKeys(id, by.officeCode, formId, at);
  const hookItems =
    (await (
      await hooksFor(attached.hooks)
    ).preSubmit?.(
      { id, formId, officeCode: by.officeCode, submittedBy: by.sub, values: submission.values, round: 1 },
      now,
    )) ?? [];
  // Sent again with its key after the first commit: answered as stored (the same caller, form and values).
  return createOrReplay(
    async () => {
      await transact(store.db, [
        {
          put: {
            TableName: store.table,
            Item: {
              ...keys,
              _v: 1,
              entity: 'submission',
              ...submission,
              requesterName: by.name,
              requesterEmail: by.email || undefined,
              hooks: attached.hooks,
              ...(attached.workflow
                ? {
                    workflowId: attached.workflow.id,
                    workflowVersion: attached.workflow.version,
                    round: 1,
                    // Owes the approval machine a start until its first step runs (the reconciler's marker).
                    ...workflowSignalMarker(at, { PK: keys.PK, SK: keys.SK }),
                  }
                : // Without an approval chain it is final as filed: its retention counts from now.
                  retentionMarker('SUBMISSIONS', at, id)),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
          onConditionFailed: idTaken('Pengajuan ini sudah tersimpan'),
        },
        ...hookItems,
        {
          conditionCheck: {
            TableName: store.table,
            Key: { PK: `FORM#${formId}`, SK: 'FORM' },
            ConditionExpression: '#status = :published AND publishedVersion = :version',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':published': 'published', ':version': version },
          },
          onConditionFailed: () => new ConflictError('Formulir berubah saat diajukan; muat ulang lalu ajukan lagi.'),
        },
      ]);
      // A capability's hook may queue mail with the submission (a nominee's "received"): send it now.
      if (hookItems.length > 0) {
        await deliverAfterCommit(hookItems);
      }
      return submission;
    },
    (existing) =>
      existing.submittedBy === by.sub && existing.formId === formId && sameAsStored(existing.values, submission.values)
        ? submissionOf(existing)
        : undefined,
  );
};

const submissionOf = (item: Record<string, unknown>): StoredSubmission => ({
  id: String(item.id),
  formId: String(item.formId),
  formVersion: Number(item.formVersion),
  formTitle: String(item.formTitle),
  officeCode: String(item.officeCode),
  submittedBy: String(item.submittedBy),
  status: item.status as StoredSubmission['status'],
  values: (item.values ?? {}) as Record<string, unknown>,
  ...(typeof item.workflowId === 'string'
    ? { workflowId: item.workflowId, workflowVersion: Number(item.workflowVersion), round: Number(item.round ?? 1) }
    : {}),
  createdAt: String(item.createdAt),
  updatedAt: String(item.updatedAt),
});

/** One submission, or NotFoundError. */
export const getSubmission = async (store: FormStore, id: string): Promise<StoredSubmission> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK: `SUBMISSION#${id}`, SK: 'SUBMISSION' } }),
  );
  if (!Item) throw new NotFoundError('Pengajuan tidak ditemukan');
  return submissionOf(Item);
};

/** An office's submissions, newest first. */
export const listSubmissions = async (
  store: FormStore,
  officeCode: string,
  page: { limit: number; cursor?: string },
): Promise<{ items: StoredSubmission[]; next?: string }> => {
  const partition = `OFFICE_SUBMISSIONS#${officeCode}`;
  const answer = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :office',
      ExpressionAttributeValues: { ':office': partition },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, 'GSI1PK', partition),
    }),
  );
  return { items: (answer.Items ?? []).map(submissionOf), next: encodeCursor(answer.LastEvaluatedKey) };
};
