import { routeTable } from '#shared/http/router';
import { handler as getApproval } from './get-approval.ts';
import { handler as postApproval } from './post-approval.ts';

/** Email links: the decision page (GET, reads only) and the decision (POST). */
export const handler = routeTable(getApproval, postApproval);
