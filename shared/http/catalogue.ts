import { callbackRoute, loginRoute, logoutRoute } from '#shared/auth/contracts';
import {
  consoleAdminRoutes,
  consoleOfficeRoutes,
  consoleReportRoutes,
  consoleTrainingRoutes,
} from '#shared/console/contracts';
import {
  archiveUnitRoute,
  createPersonRoute,
  createUnitRoute,
  exportPersonRoute,
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
  cancelRegistrationRoute,
  createTrainingRoute,
  getTrainingRoute,
  listRegistrationsRoute,
  listTrainingsRoute,
  participantsRoute,
  participantsXlsxRoute,
  recordAttendanceRoute,
  setCapacityRoute,
  setTrainingStatusRoute,
} from '#shared/registrations/contracts';
import {
  disableStaffRoute,
  enableStaffRoute,
  inviteStaffRoute,
  listStaffRoute,
  setStaffGroupsRoute,
} from '#shared/staff/contracts';
import {
  createSurveyResponseRoute,
  createTicketBatchRoute,
  exportCsvRoute,
  exportXlsxRoute,
  followUpSuggestionRoute,
  listSuggestionsRoute,
  setSurveyPopulationRoute,
  submitSurveyFormRoute,
  surveyFormRoute,
  surveyOverviewRoute,
  surveyPosterRoute,
  surveyQrRoute,
  surveyReportRoute,
  surveyTrendRoute,
  ticketSheetRoute,
} from '#shared/surveys/contracts';
import {
  approvalPageRoute,
  attachWorkflowRoute,
  createWorkflowRoute,
  decideRoute,
  getWorkflowRoute,
  inboxDecisionsRoute,
  inboxRoute,
  listWorkflowsRoute,
  newWorkflowVersionRoute,
  resubmitRoute,
  submissionProgressRoute,
  submissionStatusPageRoute,
  withdrawRoute,
} from '#shared/workflow/contracts';

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
   * The function starts approval executions (`start`), answers their task tokens (`signal`), or both. @default neither
   */
  approvals?: readonly ('start' | 'signal')[];
  /**
   * Timeout of the function, in seconds; API Gateway gives up after 30. @default the house default (10)
   */
  timeoutSeconds?: number;
}

/**
 * A capability's function: one Lambda serving several routes through its entry's route table
 * (`functions/<entry>.ts`, see `shared/http/router.ts`).
 */
const capability = (
  id: string,
  entry: string,
  description: string,
  routes: readonly RouteContract[],
  more: Omit<Endpoint, 'id' | 'entry' | 'description' | 'routes'> = {},
): Endpoint => ({
  id: `${id}Api`,
  entry: `functions/${entry}.ts`,
  description: `abdi ${description}`,
  routes,
  ...more,
});

/** Every HTTP function of the stack: the CDK app builds the API from it and the OpenAPI document lists it. */
export const endpoints: readonly Endpoint[] = [
  capability(
    'Platform',
    'platform/api',
    'health, OpenAPI document, who am I',
    [healthRoute, openApiRoute, whoAmIRoute],
    {
      table: 'RO',
    },
  ),
  capability('Auth', 'auth/api', 'staff sign-in and sign-out', [loginRoute, callbackRoute, logoutRoute]),
  capability(
    'Directory',
    'directory/api',
    'units, people, heads (shared/directory)',
    [
      listUnitsRoute,
      getUnitRoute,
      createUnitRoute,
      updateUnitRoute,
      archiveUnitRoute,
      setUnitHeadRoute,
      importUnitsRoute,
      listPeopleRoute,
      getPersonRoute,
      createPersonRoute,
      updatePersonRoute,
      importPeopleRoute,
      exportPersonRoute,
    ],
    // People are stored with their NIP's HMAC. Imports validate a whole file, then write up to 2,000 rows in
    // transactions: the gateway's 30 s, not 10.
    { table: 'RW', nipHmac: true, timeoutSeconds: 29 },
  ),
  capability(
    'Staff',
    'staff/api',
    'staff accounts: invitations and access, in the user pool and the directory (shared/staff)',
    [inviteStaffRoute, listStaffRoute, disableStaffRoute, enableStaffRoute, setStaffGroupsRoute],
    {
      table: 'RW',
      cognitoAdmin: [
        'AdminCreateUser',
        'AdminGetUser',
        'AdminListGroupsForUser',
        'AdminAddUserToGroup',
        'AdminRemoveUserFromGroup',
        'AdminDisableUser',
        'AdminEnableUser',
      ],
    },
  ),
  capability('Mail', 'mail/api', 'failed mail, for admins (shared/mail)', [listMailRoute, resendMailRoute], {
    table: 'RW',
    mail: true,
  }),
  // Surveys (SKM): the public form and JSON API, staff reports (shared/surveys). Rate-limited routes get the key
  // of the client pseudonyms from the stack.
  capability(
    'SurveyPublic',
    'surveys/public-api',
    'survey form, JSON API, QR code and poster (public)',
    [surveyFormRoute, submitSurveyFormRoute, createSurveyResponseRoute, surveyQrRoute, surveyPosterRoute],
    { table: 'RW' },
  ),
  capability(
    'SurveyStaff',
    'surveys/staff-api',
    'survey reports, tickets, suggestions, trend, overview and CSV exports (staff)',
    [
      surveyReportRoute,
      setSurveyPopulationRoute,
      createTicketBatchRoute,
      ticketSheetRoute,
      listSuggestionsRoute,
      followUpSuggestionRoute,
      surveyTrendRoute,
      surveyOverviewRoute,
      exportCsvRoute,
    ],
    { table: 'RW' },
  ),
  // exceljs is large: only the XLSX export pays for it at cold start.
  capability('SurveyExportXlsx', 'surveys/export-xlsx', 'survey XLSX exports (staff)', [exportXlsxRoute], {
    table: 'RO',
  }),
  capability(
    'Forms',
    'forms/api',
    'forms and their submissions (shared/forms); a submission starts its approval',
    [
      createFormRoute,
      listFormsRoute,
      getFormRoute,
      newFormVersionRoute,
      setFormStatusRoute,
      submitFormRoute,
      listSubmissionsRoute,
      getSubmissionRoute,
    ],
    // Capabilities on the engine hook into submissions: registrations hash the NIP and mail the nominee.
    { table: 'RW', approvals: ['start'], nipHmac: true, mail: true },
  ),
  // Approval workflows (shared/workflow); the machine's own step functions are in the Workflow construct.
  capability(
    'WorkflowAdmin',
    'workflow/admin-api',
    'workflow definitions, for admins',
    [createWorkflowRoute, listWorkflowsRoute, getWorkflowRoute, newWorkflowVersionRoute, attachWorkflowRoute],
    { table: 'RW' },
  ),
  capability(
    'WorkflowRequests',
    'workflow/requests-api',
    "requests in flight (resubmit, withdraw, progress, status page) and the approvers' inbox with bulk decisions",
    [resubmitRoute, withdrawRoute, submissionProgressRoute, submissionStatusPageRoute, inboxRoute, inboxDecisionsRoute],
    { table: 'RW', approvals: ['signal'], nipHmac: true, mail: true },
  ),
  // Decides; delegation mails the delegate; the client's IP is kept as an HMAC pseudonym.
  capability('ApprovalLinks', 'workflow/links-api', 'email-link decision pages', [approvalPageRoute, decideRoute], {
    table: 'RW',
    approvals: ['signal'],
    mail: true,
    nipHmac: true,
  }),
  // Training registrations (shared/registrations); nominations are submissions of each training's form.
  capability(
    'Trainings',
    'registrations/api',
    'trainings, batches, registrations, cancellation, attendance, participant lists',
    [
      createTrainingRoute,
      listTrainingsRoute,
      getTrainingRoute,
      setTrainingStatusRoute,
      setCapacityRoute,
      listRegistrationsRoute,
      cancelRegistrationRoute,
      recordAttendanceRoute,
      participantsRoute,
    ],
    { table: 'RW', nipHmac: true, mail: true },
  ),
  // exceljs is large: only the XLSX export pays for it at cold start.
  capability(
    'TrainingExportXlsx',
    'registrations/participants-xlsx',
    'participant lists as XLSX',
    [participantsXlsxRoute],
    {
      table: 'RO',
    },
  ),
  // Staff console pages (shared/console).
  // CSRF tokens are HMACs under the NIP HMAC key (shared/console/csrf.ts): every console function reads it. Survey
  // report pages share the office function: every function costs a role, a policy, a log group and alarms.
  capability(
    'ConsoleOffice',
    'console/office-api',
    'staff console: home, forms to fill, office submissions, survey reports and suggestions',
    [...consoleOfficeRoutes, ...consoleReportRoutes],
    // Nominations submitted here mail the nominee (the registration hooks).
    { table: 'RW', approvals: ['start', 'signal'], nipHmac: true, mail: true },
  ),
  // Inbox decisions answer the machine's task tokens; cancellations and promotions mail nominees.
  capability(
    'ConsoleTrainings',
    'console/trainings-api',
    "staff console: the approvers' inbox with bulk decisions, trainings, nominations, seats and attendance",
    consoleTrainingRoutes,
    { table: 'RW', approvals: ['signal'], nipHmac: true, mail: true },
  ),
  // Staff invitations go through the user pool; resent mail through SES; people imports hash NIPs.
  capability(
    'ConsoleAdmin',
    'console/admin-api',
    'staff console for admins: forms, workflows, directory, staff, failed mail',
    consoleAdminRoutes,
    {
      table: 'RW',
      nipHmac: true,
      mail: true,
      cognitoAdmin: [
        'AdminCreateUser',
        'AdminGetUser',
        'AdminListGroupsForUser',
        'AdminAddUserToGroup',
        'AdminRemoveUserFromGroup',
        'AdminDisableUser',
        'AdminEnableUser',
      ],
      // Directory imports write up to 2,000 rows: the gateway's 30 s, as the directory API.
      timeoutSeconds: 29,
    },
  ),
];
