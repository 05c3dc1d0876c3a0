import { routeTable } from '#shared/http/router';
import { handler as getProgress } from './get-progress.ts';
import { handler as getStatusPage } from './get-status-page.ts';
import { handler as resubmit } from './resubmit.ts';
import { handler as withdraw } from './withdraw.ts';

/** Requests in flight, for their office: resubmit, withdraw, progress and the status page. */
export const handler = routeTable(resubmit, withdraw, getProgress, getStatusPage);
