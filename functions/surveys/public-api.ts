import { routeTable } from '#shared/http/router';

/** The public side of surveys: the form (HTML and JSON), the QR code and the poster. */
export const handler = routeTable({
  'GET /s/{unitCode}': () => import('./get-form.ts'),
  'POST /s/{unitCode}': () => import('./post-form.ts'),
  'POST /surveys/{unitCode}/responses': () => import('./create-response.ts'),
  'GET /s/{unitCode}/qr.svg': () => import('./get-qr.ts'),
  'GET /s/{unitCode}/poster': () => import('./get-poster.ts'),
});
