import { routeTable } from '#shared/http/router';
import { handler as getCallback } from './get-callback.ts';
import { handler as getLogin } from './get-login.ts';
import { handler as postLogout } from './post-logout.ts';

/** Staff sign-in: managed login redirect, code exchange, sign-out. */
export const handler = routeTable(getLogin, getCallback, postLogout);
