import { routeTable } from '#shared/http/router';
import { handler as createResponse } from './create-response.ts';
import { handler as getForm } from './get-form.ts';
import { handler as getPoster } from './get-poster.ts';
import { handler as getQr } from './get-qr.ts';
import { handler as postForm } from './post-form.ts';

/** The public side of surveys: the form (HTML and JSON), the QR code and the poster. */
export const handler = routeTable(getForm, postForm, createResponse, getQr, getPoster);
