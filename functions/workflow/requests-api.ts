import { routeTable } from '#shared/http/router';
import { handler as getInbox } from './get-inbox.ts';
import { handler as getProgress } from './get-progress.ts';
import { handler as getStatusPage } from './get-status-page.ts';
import { handler as postInboxDecisions } from './post-inbox-decisions.ts';
import { handler as resubmit } from './resubmit.ts';
import { handler as withdraw } from './withdraw.ts';

/** The inbox with bulk decisions, and requests in flight, for their office: resubmit, withdraw, progress and the status page. */
export const handler = routeTable(getInbox, postInboxDecisions, resubmit, withdraw, getProgress, getStatusPage);
