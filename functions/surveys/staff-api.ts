import { routeTable } from '#shared/http/router';

/** Survey reports and follow-up, for staff. */
export const handler = routeTable({
  'GET /surveys/{unitCode}/report': () => import('./get-report.ts'),
  'PUT /surveys/{unitCode}/population/{period}': () => import('./set-population.ts'),
  'POST /surveys/{unitCode}/ticket-batches': () => import('./create-ticket-batch.ts'),
  'GET /surveys/{unitCode}/ticket-batches/{batchId}/sheet': () => import('./get-ticket-sheet.ts'),
  'GET /surveys/{unitCode}/suggestions': () => import('./list-suggestions.ts'),
  'PUT /surveys/{unitCode}/suggestions/{responseId}': () => import('./put-follow-up.ts'),
  'GET /surveys/{unitCode}/trend': () => import('./get-trend.ts'),
  'GET /surveys/overview': () => import('./get-overview.ts'),
  'GET /surveys/{unitCode}/export.csv': () => import('./export-csv.ts'),
});
