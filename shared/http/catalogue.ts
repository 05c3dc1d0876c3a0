import { callbackRoute, loginRoute, logoutRoute } from '#shared/auth/contracts';
import {
  archiveUnitRoute,
  createPersonRoute,
  createUnitRoute,
  getPersonRoute,
  getUnitRoute,
  importPeopleRoute,
  importUnitsRoute,
  listPeopleRoute,
  listUnitsRoute,
  setUnitHeadRoute,
  updatePersonRoute,
  updateUnitRoute,
} from '#shared/directory/contracts';
import {
  createFormRoute,
  getFormRoute,
  getSubmissionRoute,
  listFormsRoute,
  listSubmissionsRoute,
  newFormVersionRoute,
  setFormStatusRoute,
  submitFormRoute,
} from '#shared/forms/contracts';
import type { RouteContract } from '#shared/http/contract';
import { listMailRoute, resendMailRoute } from '#shared/mail/contracts';
import { healthRoute, openApiRoute, whoAmIRoute } from '#shared/platform/contracts';
import {
  disableStaffRoute,
  enableStaffRoute,
  inviteStaffRoute,
  listStaffRoute,
  setStaffGroupsRoute,
} from '#shared/staff/contracts';
import {
  createSurveyResponseRoute,
  setSurveyPopulationRoute,
  submitSurveyFormRoute,
  surveyFormRoute,
  surveyReportRoute,
} from '#shared/surveys/contracts';

/** Cognito admin operations a function may call on the staff user pool. */
export type CognitoAdminAction =
  | 'AdminCreateUser'
  | 'AdminGetUser'
  | 'AdminAddUserToGroup'
  | 'AdminRemoveUserFromGroup'
  | 'AdminListGroupsForUser'
  | 'AdminDisableUser'
  | 'AdminEnableUser';

/** One Lambda function behind the HTTP API: its entry file, the routes it serves and the access it needs. */
export interface Endpoint {
  id: string;
  entry: string;
  description: string;
  routes: readonly RouteContract[];
  table?: 'RO' | 'RW';
  /** The function hashes NIPs: it gets read access to the NIP HMAC key. @default false */
  nipHmac?: boolean;
  /**
   * Cognito admin operations the function calls on the staff user pool: it gets IAM for exactly these on the pool
   * and `STAFF_USER_POOL_ID`. @default none
   */
  cognitoAdmin?: readonly CognitoAdminAction[];
  /** The function sends outbox mail: SES on the sender identity and the mail settings (`Mail.bindMail`). @default false */
  mail?: boolean;
  /**
   * Timeout of the function, in seconds; API Gateway gives up after 30. @default the house default (10)
   */
  timeoutSeconds?: number;
}

/**
 * A capability's functions when each serves one route: `[id, file, route, table access]` rows become endpoints
 * `<prefix><id>` with entry `functions/<folder>/<file>.ts`.
 */
const oneRoutePerFunction = (
  prefix: string,
  folder: string,
  rows: readonly (readonly [string, string, RouteContract, 'RO' | 'RW'])[],
): Endpoint[] =>
  rows.map(([id, file, route, table]) => ({
    id: `${prefix}${id}`,
    entry: `functions/${folder}/${file}.ts`,
    description: `${route.method} ${route.path}`,
    routes: [route],
    table,
  }));

/** Every HTTP function of the stack: the CDK app builds the API from it and the OpenAPI document lists it. */
export const endpoints: readonly Endpoint[] = [
  {
    id: 'GetHealth',
    entry: 'functions/platform/get-health.ts',
    description: 'GET /health',
    routes: [healthRoute],
    table: 'RO',
  },
  {
    id: 'GetOpenApi',
    entry: 'functions/platform/get-openapi.ts',
    description: 'GET /openapi.json',
    routes: [openApiRoute],
  },
  {
    id: 'AuthLogin',
    entry: 'functions/auth/get-login.ts',
    description: 'GET /auth/login',
    routes: [loginRoute],
  },
  {
    id: 'AuthCallback',
    entry: 'functions/auth/get-callback.ts',
    description: 'GET /auth/callback',
    routes: [callbackRoute],
  },
  {
    id: 'AuthLogout',
    entry: 'functions/auth/post-logout.ts',
    description: 'POST /auth/logout',
    routes: [logoutRoute],
  },
  { id: 'GetMe', entry: 'functions/platform/get-me.ts', description: 'GET /me', routes: [whoAmIRoute], table: 'RO' },
  // The directory: units, people and heads (shared/directory).
  ...(
    [
      ['ListUnits', 'list-units', listUnitsRoute, 'RO'],
      ['GetUnit', 'get-unit', getUnitRoute, 'RO'],
      ['CreateUnit', 'create-unit', createUnitRoute, 'RW'],
      ['UpdateUnit', 'update-unit', updateUnitRoute, 'RW'],
      ['ArchiveUnit', 'archive-unit', archiveUnitRoute, 'RW'],
      ['SetUnitHead', 'set-unit-head', setUnitHeadRoute, 'RW'],
      ['ImportUnits', 'import-units', importUnitsRoute, 'RW'],
      ['ListPeople', 'list-people', listPeopleRoute, 'RO'],
      ['GetPerson', 'get-person', getPersonRoute, 'RO'],
      ['CreatePerson', 'create-person', createPersonRoute, 'RW', true],
      ['UpdatePerson', 'update-person', updatePersonRoute, 'RW', true],
      ['ImportPeople', 'import-people', importPeopleRoute, 'RW', true],
    ] as const
  ).map(([id, file, route, table, nipHmac]) => ({
    id: `Directory${id}`,
    entry: `functions/directory/${file}.ts`,
    description: `${route.method} ${route.path}`,
    routes: [route],
    table,
    ...(nipHmac ? { nipHmac } : {}),
    // Imports validate a whole file, then write up to 2,000 rows in transactions: the gateway's 30 s, not 10.
    ...(id.startsWith('Import') ? { timeoutSeconds: 29 } : {}),
  })),
  // Staff accounts: invitations and access, in the user pool and the directory (shared/staff).
  ...(
    [
      [
        'Invite',
        'invite-staff',
        inviteStaffRoute,
        'RW',
        [
          'AdminCreateUser',
          'AdminGetUser',
          'AdminListGroupsForUser',
          'AdminAddUserToGroup',
          'AdminRemoveUserFromGroup',
        ],
      ],
      ['List', 'list-staff', listStaffRoute, 'RO', []],
      ['Disable', 'disable-staff', disableStaffRoute, 'RW', ['AdminDisableUser']],
      ['Enable', 'enable-staff', enableStaffRoute, 'RW', ['AdminEnableUser']],
      [
        'SetGroups',
        'set-staff-groups',
        setStaffGroupsRoute,
        'RW',
        ['AdminListGroupsForUser', 'AdminAddUserToGroup', 'AdminRemoveUserFromGroup'],
      ],
    ] as const
  ).map(([id, file, route, table, cognitoAdmin]) => ({
    id: `Staff${id}`,
    entry: `functions/staff/${file}.ts`,
    description: `${route.method} ${route.path}`,
    routes: [route],
    table,
    ...(cognitoAdmin.length > 0 ? { cognitoAdmin } : {}),
  })),
  // Failed mail, for admins (shared/mail).
  {
    id: 'MailList',
    entry: 'functions/mail/list-mail.ts',
    description: 'GET /mail',
    routes: [listMailRoute],
    table: 'RO',
  },
  {
    id: 'MailResend',
    entry: 'functions/mail/resend-mail.ts',
    description: 'POST /mail/{id}/resend',
    routes: [resendMailRoute],
    table: 'RW',
    mail: true,
  },
  // Surveys (SKM): the public form and JSON API, staff reports (shared/surveys). Rate-limited routes get the key
  // of the client pseudonyms from the stack.
  ...oneRoutePerFunction('Survey', 'surveys', [
    ['Form', 'get-form', surveyFormRoute, 'RO'],
    ['SubmitForm', 'post-form', submitSurveyFormRoute, 'RW'],
    ['CreateResponse', 'create-response', createSurveyResponseRoute, 'RW'],
    ['Report', 'get-report', surveyReportRoute, 'RO'],
    ['SetPopulation', 'set-population', setSurveyPopulationRoute, 'RW'],
  ]),
  // Forms and their submissions (shared/forms); the approval workflow builds on submissions.
  ...oneRoutePerFunction('Forms', 'forms', [
    ['CreateForm', 'post-form', createFormRoute, 'RW'],
    ['ListForms', 'get-forms', listFormsRoute, 'RO'],
    ['GetForm', 'get-form', getFormRoute, 'RO'],
    ['NewFormVersion', 'post-form-version', newFormVersionRoute, 'RW'],
    ['SetFormStatus', 'post-form-status', setFormStatusRoute, 'RW'],
    ['SubmitForm', 'post-submission', submitFormRoute, 'RW'],
    ['ListSubmissions', 'get-submissions', listSubmissionsRoute, 'RO'],
    ['GetSubmission', 'get-submission', getSubmissionRoute, 'RO'],
  ]),
];
