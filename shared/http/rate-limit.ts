import { createHmac } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

/** The windows a request at `now` counts in: this minute, and this WIB day. */
export const windowsAt = (now: number, limit: RateLimit) => {
  const minute = Math.floor(now / 60_000);
  const day = wibDayNumber(now);
  return [
    { window: `M${minute}`, limit: limit.perMinute, endsAt: (minute + 1) * 60_000 },
    ...(limit.perDay ? [{ window: `D${day}`, limit: limit.perDay, endsAt: wibDayStart(day + 1) }] : []),
  ];
};

/**
 * Counts the request against the client's counters with a conditional ADD per window (the database refuses the
 * increment that would pass the limit, so concurrent requests cannot overshoot). Counters expire by TTL an hour
 * after their window. Over a limit: 429 with Retry-After until the window ends.
 */
export const enforceRateLimit = async (
  event: APIGatewayProxyEventV2,
  limit: RateLimit,
  now: number,
): Promise<{ today?: number }> => {
  const client = clientPseudonym(await nipHmacKey(), event.requestContext.http.sourceIp);
  const windows = windowsAt(now, limit);
  // Windows are checked in order, shortest first: a request refused for the minute does not use up the day.
  let until = 0;
  let today: number | undefined;
  for (const { window, limit: max, endsAt } of windows) {
    try {
      const answer = await documents.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: rateLimitKeys(event.routeKey, client, window),
          UpdateExpression: 'ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
          ExpressionAttributeNames: { '#n': 'n', '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':max': max, ':ttl': Math.ceil(endsAt / 1000) + 3600 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      if (window.startsWith('D')) today = Number(answer.Attributes?.n);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      until = endsAt;
      break;
    }
  }
  if (until > 0) {
    throw new HttpProblem(
      429,
      'rate-limited',
      'Terlalu banyak permintaan',
      { detail: 'Anda mengirim terlalu banyak permintaan dalam waktu singkat. Silakan coba lagi nanti.' },
      { 'retry-after': String(Math.max(1, Math.ceil((until - now) / 1000))) },
    );
  }
  return { today };
};
