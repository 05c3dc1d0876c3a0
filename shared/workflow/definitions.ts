import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#shared/db/cursor';
import { createOrReplay, idTaken, sameAsStored } from '#shared/db/keyed-create';
import { formKeys, workflowKeys, workflowVersionKeys } from '#shared/db/keys';
import { isConditionFailure, type TransactionItem, transact } from '#shared/db/transact';
import { ConflictError, NotFoundError } from '#shared/errors';
import type * as z from '#shared/zod';
import type { WorkflowDetail, WorkflowSummary } from './contracts.ts';
import type { WorkflowDefinition } from './definition.ts';

/** Where workflow definitions live. */
export interface WorkflowStore {
  db: DynamoDBDocumentClient;
  table: string;
}

type Summary = z.infer<typeof WorkflowSummary>;
type Detail = z.infer<typeof WorkflowDetail>;

const summaryOf = (item: Record<string, unknown>): Summary => ({
  id: String(item.id),
  name: String(item.name),
  latestVersion: Number(item.latestVersion),
  version: Number(item.version),
  updatedAt: String(item.updatedAt),
});

const readHead = async (store: WorkflowStore, id: string): Promise<Summary> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK: `WORKFLOW#${id}`, SK: 'WORKFLOW' }, ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Alur persetujuan tidak ditemukan');
  return summaryOf(Item);
};

/** The stages of one version of a definition (versions never change once written). */
export const readDefinition = async (
  store: WorkflowStore,
  id: string,
  version: number,
): Promise<WorkflowDefinition> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: workflowVersionKeys(id, version) }),
  );
  if (!Item) throw new NotFoundError(`Versi ${version} alur ini tidak ada`);
  return Item.definition as WorkflowDefinition;
};

/** A definition with its latest (or the given) version's stages. */
export const getWorkflow = async (store: WorkflowStore, id: string, version?: number): Promise<Detail> => {
  const head = await readHead(store, id);
  const definitionVersion = version ?? head.latestVersion;
  return { ...head, definition: await readDefinition(store, id, definitionVersion), definitionVersion };
};

const versionItem = (id: string, version: number, definition: WorkflowDefinition, by: string, at: string) => ({
  ...workflowVersionKeys(id, version),
  _v: 1,
  entity: 'workflow-version',
  definition,
  createdBy: by,
  createdAt: at,
});

/** Creates a definition (version 1); head and version in one transaction. */
export const createWorkflow = async (
  store: WorkflowStore,
  definition: WorkflowDefinition,
  by: string,
  id: string,
  now: Date,
): Promise<Detail> =>
  createOrReplay(
    async () => {
      await transact(store.db, newWorkflowItems(store.table, id, definition, by, now));
      return getWorkflow(store, id, 1);
    },
    // Sent again with its key after the first commit: answered with the definition as stored, if it is this request's.
    async (existing) => {
      if (existing.entity !== 'workflow' || existing.createdBy !== by) return undefined;
      const stored = await getWorkflow(store, id, 1);
      return sameAsStored(stored.definition, definition) ? stored : undefined;
    },
  );

/** The items of a new definition (head and version 1), for a transaction. */
export const newWorkflowItems = (
  table: string,
  id: string,
  definition: WorkflowDefinition,
  by: string,
  now: Date,
): TransactionItem[] => {
  const at = now.toISOString();
  return [
    {
      put: {
        TableName: table,
        Item: {
          ...workflowKeys(id, definition.name),
          _v: 1,
          entity: 'workflow',
          id,
          name: definition.name,
          latestVersion: 1,
          version: 1,
          createdBy: by,
          createdAt: at,
          updatedAt: at,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
      onConditionFailed: idTaken('Alur dengan id ini sudah ada'),
    },
    { put: { TableName: table, Item: versionItem(id, 1, definition, by, at) } },
  ];
};

/** Adds the next version; conditioned on the head's version the caller read. */
export const addWorkflowVersion = async (
  store: WorkflowStore,
  id: string,
  change: { definition: WorkflowDefinition; expectedVersion: number },
  by: string,
  now: Date,
): Promise<Detail> => {
  const head = await readHead(store, id);
  const next = head.latestVersion + 1;
  const at = now.toISOString();
  const changed = () => new ConflictError('Alur telah diubah orang lain; muat ulang lalu coba lagi.');
  await transact(store.db, [
    {
      update: {
        TableName: store.table,
        Key: { PK: `WORKFLOW#${id}`, SK: 'WORKFLOW' },
        UpdateExpression:
          'SET latestVersion = :next, version = :expected + :one, updatedAt = :at, #name = :name, GSI1SK = :sk',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: {
          ':next': next,
          ':expected': change.expectedVersion,
          ':one': 1,
          ':at': at,
          ':name': change.definition.name,
          ':sk': workflowKeys(id, change.definition.name).GSI1SK,
        },
      },
      onConditionFailed: changed,
    },
    {
      put: {
        TableName: store.table,
        Item: versionItem(id, next, change.definition, by, at),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
      onConditionFailed: changed,
    },
  ]);
  return getWorkflow(store, id, next);
};

/** Definitions by name, a page at a time (a GSI1 query). */
export const listWorkflows = async (
  store: WorkflowStore,
  page: { limit: number; cursor?: string },
): Promise<{ items: Summary[]; next?: string }> => {
  const answer = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :all',
      ExpressionAttributeValues: { ':all': 'WORKFLOWS' },
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, 'GSI1PK', 'WORKFLOWS'),
    }),
  );
  return { items: (answer.Items ?? []).map(summaryOf), next: encodeCursor(answer.LastEvaluatedKey) };
};

/** Attaches a definition to a form (or detaches it); conditioned on the form's version the caller read. */
export const attachWorkflow = async (
  store: WorkflowStore,
  formId: string,
  change: { workflowId: string | null; expectedVersion: number },
  now: Date,
): Promise<{ formId: string; workflowId: string | null }> => {
  if (change.workflowId !== null) await readHead(store, change.workflowId);
  const key = { PK: formKeys(formId, '', '').PK, SK: 'FORM' };
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: key,
        UpdateExpression:
          change.workflowId === null
            ? 'SET version = :expected + :one, updatedAt = :at REMOVE workflowId'
            : 'SET workflowId = :workflow, version = :expected + :one, updatedAt = :at',
        ConditionExpression: 'attribute_exists(PK) AND version = :expected',
        ExpressionAttributeValues: {
          ':expected': change.expectedVersion,
          ':one': 1,
          ':at': now.toISOString(),
          ...(change.workflowId === null ? {} : { ':workflow': change.workflowId }),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = (error as { Item?: unknown }).Item;
    if (!existing) throw new NotFoundError('Formulir tidak ditemukan');
    throw new ConflictError('Formulir telah diubah orang lain; muat ulang lalu coba lagi.');
  }
  return { formId, workflowId: change.workflowId };
};

/** The workflow attached to a form, if any (what `attachWorkflow` set). */
export const attachedWorkflowOf = async (store: WorkflowStore, formId: string): Promise<string | undefined> => {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK: formKeys(formId, '', '').PK, SK: 'FORM' } }),
  );
  return typeof Item?.workflowId === 'string' ? Item.workflowId : undefined;
};
