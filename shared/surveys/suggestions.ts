import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#shared/db/cursor';
import { surveyResponseKeys, surveySuggestionsPartition } from '#shared/db/keys';
import { transact } from '#shared/db/transact';
import type { Documents } from '#shared/directory/units';
import { ConflictError, NotFoundError } from '#shared/errors';
import type { FollowUpInput, FollowUpStatus, Suggestion } from './schemas.ts';

/**
 * Suggestions (saran/pengaduan) and their follow-up. A suggestion is a response that holds one; the response item
 * carries the follow-up (`followUpStatus`, the unit's `reply`, who replied and when) and is listed per unit on GSI2
 * (`SURVEY_SUGGESTIONS#<unit>`, sorted by month then response id), so the list is a Query of that partition, never
 * a scan. A response without `followUpStatus` is open.
 */

/** The suggestion view of a stored response. */
export const suggestionFromItem = (item: Record<string, unknown>): Suggestion => ({
  responseId: String(item.id),
  unitCode: String(item.unitCode),
  month: String(item.month),
  receivedAt: String(item.receivedAt),
  ...(typeof item.service === 'string' ? { service: item.service } : {}),
  suggestion: String(item.suggestion ?? ''),
  verified: item.verified === true,
  status: (item.followUpStatus as FollowUpStatus | undefined) ?? 'open',
  ...(typeof item.reply === 'string' ? { reply: item.reply } : {}),
  ...(typeof item.repliedAt === 'string' ? { repliedAt: item.repliedAt } : {}),
  ...(typeof item.repliedBy === 'string' ? { repliedBy: item.repliedBy } : {}),
  ...(typeof item.closedAt === 'string' ? { closedAt: item.closedAt } : {}),
});

/**
 * One page of a unit's suggestions, newest first; by status (a filter on the partition's page) and by month (a key
 * condition). A page filtered by status may hold fewer than `limit` items and still have a `next`.
 * @throws InvalidError (field `cursor`) for a cursor this listing did not hand out
 */
export const listSuggestions = async (
  client: Documents,
  table: string,
  unitCode: string,
  query: { status?: FollowUpStatus; month?: string; limit: number; cursor?: string },
): Promise<{ items: Suggestion[]; next?: string }> => {
  const partition = surveySuggestionsPartition(unitCode);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':p': partition };
  let keyCondition = 'GSI2PK = :p';
  if (query.month) {
    keyCondition += ' AND begins_with(GSI2SK, :month)';
    values[':month'] = `${query.month}#`;
  }
  let filter: string | undefined;
  if (query.status) {
    names['#status'] = 'followUpStatus';
    values[':status'] = query.status;
    filter = query.status === 'open' ? 'attribute_not_exists(#status) OR #status = :status' : '#status = :status';
  }
  const page = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: 'GSI2',
      KeyConditionExpression: keyCondition,
      ...(filter ? { FilterExpression: filter, ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor, 'GSI2PK', partition),
    }),
  );
  const next = encodeCursor(page.LastEvaluatedKey);
  return { items: (page.Items ?? []).map(suggestionFromItem), ...(next ? { next } : {}) };
};

/**
 * The unit's follow-up of a suggestion: `answered` with a reply (a later reply replaces it), or `closed` (with a
 * last reply or without). One conditional update: the response is this unit's and holds a suggestion, which is not
 * closed.
 * @throws NotFoundError when the unit has no suggestion with this response id; ConflictError when it is closed
 */
export const followUpSuggestion = async (
  client: Documents,
  table: string,
  unitCode: string,
  responseId: string,
  input: FollowUpInput,
  by: { name: string },
  now: Date,
): Promise<Suggestion> => {
  const at = now.toISOString();
  const sets = ['followUpStatus = :status'];
  const values: Record<string, unknown> = { ':status': input.status, ':unit': unitCode, ':closed': 'closed' };
  if (input.reply !== undefined) {
    sets.push('reply = :reply', 'repliedAt = :at', 'repliedBy = :by');
    values[':reply'] = input.reply;
    values[':by'] = by.name;
    values[':at'] = at;
  }
  if (input.status === 'closed') {
    sets.push('closedAt = :at');
    values[':at'] = at;
  }
  const { PK, SK } = surveyResponseKeys(responseId, unitCode, '', false);
  await transact(client, [
    {
      label: 'survey-suggestion',
      update: {
        TableName: table,
        Key: { PK, SK },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression:
          'attribute_exists(PK) AND unitCode = :unit AND attribute_exists(suggestion) AND ' +
          '(attribute_not_exists(followUpStatus) OR followUpStatus <> :closed)',
        ExpressionAttributeValues: values,
      },
      onConditionFailed: ({ existing }) =>
        existing?.unitCode === unitCode && typeof existing.suggestion === 'string'
          ? new ConflictError('Saran ini sudah ditutup; tindak lanjutnya tidak dapat diubah lagi')
          : new NotFoundError('Saran tidak ditemukan pada unit ini'),
    },
  ]);
  // The transaction answers nothing: read the item back as the follow-up left it.
  const { Item } = await client.send(new GetCommand({ TableName: table, Key: { PK, SK }, ConsistentRead: true }));
  return suggestionFromItem(Item ?? {});
};
