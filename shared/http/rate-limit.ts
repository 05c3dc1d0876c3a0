import { createHmac } from 'node:crypto';
import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { documents, tableName } from '#shared/aws/clients';
import { nipHmacKey } from '#shared/aws/secrets';
import { rateLimitKeys } from '#shared/db/keys';
import { isConditionFailure } from '#shared/db/transact';
import { wibDayNumber, wibDayStart } from '#shared/time';
import { HttpProblem } from './problem.ts';

/** Limits of one public route per client: requests per minute, and optionally per day (WIB). */
export interface RateLimit {
  perMinute: number;
  perDay?: number;
}

/**
 * The client as a pseudonym: HMAC of its IP address under the deployment's secret key (the NIP key, with a
 * distinct prefix so the two uses can never collide). Without the key the 2^32 IPv4 addresses cannot be
 * enumerated back from stored counters.
 */
export const clientPseudonym = (key: string, sourceIp: string): string =>
  createHmac('sha256', key).update(`client-ip\n${sourceIp}`).digest().subarray(0, 12).toString('base64url');

/** The windows a request at `now` counts in: this minute, and this WIB day (whose item holds both counters). */
export const windowsAt = (now: number) => {
  const minute = Math.floor(now / 60_000);
  const day = wibDayNumber(now);
  return { minute, minuteEndsAt: (minute + 1) * 60_000, day, dayEndsAt: wibDayStart(day + 1) };
};

const numberOf = (value: unknown): number | undefined => {
  const raw = value && typeof value === 'object' && 'N' in value ? (value as { N: string }).N : value;
  return raw === undefined ? undefined : Number(raw);
};

/**
 * Counts the request against the client's counters for the route: one item per client and WIB day holding the
 * day's count (`d`) and the current minute's (`m`, with the minute it counts, `mw`). One conditional UpdateItem
 * per request, so concurrent requests cannot overshoot: the first request of a minute starts its count, later ones
 * add to it; the database refuses the increment that would pass a limit, and says on which window. Items expire by
 * TTL an hour after their day. Over a limit: 429 with Retry-After until the window ends.
 */
export const enforceRateLimit = async (
  event: APIGatewayProxyEventV2,
  limit: RateLimit,
  now: number,
): Promise<{ today?: number }> => {
  const client = clientPseudonym(await nipHmacKey(), event.requestContext.http.sourceIp);
  const { minute, minuteEndsAt, day, dayEndsAt } = windowsAt(now);
  const dayLeft = limit.perDay ? ' AND (attribute_not_exists(#d) OR #d < :perDay)' : '';
  const perDay = limit.perDay ? { ':perDay': limit.perDay } : {};
  const key = rateLimitKeys(event.routeKey, client, `D${day}`);
  // Most clients send once a minute or less: try "a new minute" first, then "this minute again". (DynamoDB refuses
  // names and values an expression does not use: each attempt carries its own.)
  const attempts: Pick<
    UpdateCommandInput,
    'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
  >[] = [
    {
      UpdateExpression: 'SET #mw = :minute, #m = :one, #ttl = if_not_exists(#ttl, :ttl) ADD #d :one',
      ConditionExpression: `(attribute_not_exists(#mw) OR #mw < :minute)${dayLeft}`,
      ExpressionAttributeNames: { '#d': 'd', '#m': 'm', '#mw': 'mw', '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':minute': minute,
        ':ttl': Math.ceil(dayEndsAt / 1000) + 3600,
        ...perDay,
      },
    },
    {
      UpdateExpression: 'ADD #m :one, #d :one',
      ConditionExpression: `#mw = :minute AND #m < :perMinute${dayLeft}`,
      ExpressionAttributeNames: { '#d': 'd', '#m': 'm', '#mw': 'mw' },
      ExpressionAttributeValues: { ':one': 1, ':minute': minute, ':perMinute': limit.perMinute, ...perDay },
    },
  ];
  let old: Record<string, unknown> | undefined;
  for (const attempt of attempts) {
    try {
      const answer = await documents.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key,
          ...attempt,
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { today: numberOf(answer.Attributes?.d) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      old = (error as { Item?: Record<string, unknown> }).Item;
    }
  }
  // Both refused: the day is used up, or this minute is (the second attempt's item is the one to read).
  const dayUsedUp = limit.perDay !== undefined && (numberOf(old?.d) ?? 0) >= limit.perDay;
  const until = dayUsedUp ? dayEndsAt : minuteEndsAt;
  throw new HttpProblem(
    429,
    'rate-limited',
    'Terlalu banyak permintaan',
    { detail: 'Anda mengirim terlalu banyak permintaan dalam waktu singkat. Silakan coba lagi nanti.' },
    { 'retry-after': String(Math.max(1, Math.ceil((until - now) / 1000))) },
  );
};
