import { randomUUID } from 'node:crypto';
import { buildEventV2, flattenClaims } from '#infra/local/http-api';
import type { RouteSpec } from '#infra/local/template';
import type { FunctionSpec } from '#infra/local/types';
import { type SurveyUnit, surveyResponseBody } from '../survey/payload.ts';

/** What a cold start answers: the first event of a fresh sandbox, for the function's (first) route. */
export interface FirstEvent {
  /** `GET /health`, or what the event stands for when the function serves no route. */
  label: string;
  /** A new event per run: public POSTs are rate-limited per source address, so every run comes from its own. */
  make(run: number): unknown;
}

export interface EventContext {
  routes: RouteSpec[];
  /** Claims of a signed admin access token, as the JWT authorizer passes them on. */
  adminClaims: Record<string, unknown>;
  unit: SurveyUnit;
}

/** A loopback address per run (Linux routes all of 127/8 to the loopback interface). */
export const sourceAddress = (n: number): string =>
  `127.${1 + (Math.floor(n / 62_500) % 250)}.${Math.floor(n / 250) % 250}.${1 + (n % 250)}`;

const SURVEY_SUBMIT = 'POST /surveys/{unitCode}/responses';

// Path parameters: reads get a real unit (so they do their real work); writes get ids that exist nowhere, so
// repeated runs change nothing (a run archiving the unit or disabling the admin would skew every later one). The
// survey submit is the exception: its first event is a real response, the hot path of a public QR code.
const paramValue = (name: string, route: RouteSpec, unit: SurveyUnit): string => {
  const read = route.method === 'GET' || route.routeKey === SURVEY_SUBMIT;
  if (name === 'unitCode' || name === 'code') return read ? unit.code : 'BENCH-NONE';
  if (name === 'period') return '2026-01';
  return 'bench-none';
};

const bodyFor = (route: RouteSpec, unit: SurveyUnit): { contentType?: string; body: string } => {
  if (route.routeKey === SURVEY_SUBMIT) {
    return { contentType: 'application/json', body: JSON.stringify(surveyResponseBody(unit)) };
  }
  if (route.method === 'GET' || route.method === 'DELETE') return { body: '' };
  // The public survey form posts urlencoded; an empty form gets the form again with its field errors.
  if (route.path.startsWith('/s/')) return { contentType: 'application/x-www-form-urlencoded', body: '' };
  return { contentType: 'application/json', body: '{}' };
};

const httpEvent = (route: RouteSpec, context: EventContext): FirstEvent => {
  const pathParameters: Record<string, string> = {};
  const rawPath = route.path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => {
    pathParameters[name] = paramValue(name, route, context.unit);
    return pathParameters[name];
  });
  return {
    label: route.routeKey,
    make: (run) => {
      const { contentType, body } = bodyFor(route, context.unit);
      const rawHeaders = ['Host', 'api.bench.local', 'User-Agent', 'abdi-bench', 'Accept', '*/*'];
      if (contentType) rawHeaders.push('Content-Type', contentType);
      const now = Date.now();
      return buildEventV2(
        {
          method: route.method,
          url: rawPath,
          rawHeaders,
          body: Buffer.from(body),
          sourceIp: sourceAddress(run + 1),
          protocol: 'HTTP/1.1',
        },
        { route, pathParameters },
        {
          now,
          requestId: randomUUID(),
          apiId: 'bench',
          region: 'ap-southeast-3',
          accountId: '000000000000',
          domainName: 'api.bench.local',
          ...(route.authorizer ? { authorizer: { claims: flattenClaims(context.adminClaims), scopes: null } } : {}),
        },
      );
    },
  };
};

// Functions behind no route: the event their trigger sends.
const triggerEvents: { match: RegExp; label: string; make: () => unknown }[] = [
  {
    match: /Reconciler/,
    label: 'EventBridge schedule',
    make: () => ({
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'ap-southeast-3',
      resources: [],
      detail: {},
    }),
  },
  {
    match: /SesEvent/,
    label: 'SNS: SES permanent bounce',
    make: () => ({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:ap-southeast-3:000000000000:ses-events:bench',
          Sns: {
            Type: 'Notification',
            MessageId: randomUUID(),
            TopicArn: 'arn:aws:sns:ap-southeast-3:000000000000:ses-events',
            Subject: null,
            Timestamp: new Date().toISOString(),
            MessageAttributes: {},
            Message: JSON.stringify({
              eventType: 'Bounce',
              mail: { messageId: randomUUID(), timestamp: new Date().toISOString(), tags: {} },
              bounce: {
                bounceType: 'Permanent',
                bounceSubType: 'General',
                bouncedRecipients: [{ emailAddress: 'nobody@bench.invalid' }],
                timestamp: new Date().toISOString(),
              },
            }),
          },
        },
      ],
    }),
  },
];

/** The first event for a function: its route's, else its trigger's, else an empty object. */
export const firstEventFor = (fn: FunctionSpec, context: EventContext): FirstEvent => {
  const route = context.routes.find((r) => r.functionName === fn.functionName);
  if (route) return httpEvent(route, context);
  const trigger = triggerEvents.find((t) => t.match.test(fn.logicalId));
  if (trigger) return { label: trigger.label, make: trigger.make };
  return { label: '(no route or known trigger: empty event)', make: () => ({}) };
};
