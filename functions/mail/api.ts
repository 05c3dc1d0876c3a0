import { routeTable } from '#shared/http/router';
import { handler as listMail } from './list-mail.ts';
import { handler as resendMail } from './resend-mail.ts';

/** Failed mail, for admins. */
export const handler = routeTable(listMail, resendMail);
