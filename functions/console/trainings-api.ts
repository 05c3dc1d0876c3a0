import { routeTable } from '#shared/http/router';

/** The console's inbox with bulk decisions, and its training pages (nominations, seats, attendance). */
export const handler = routeTable({
  'GET /konsol/kotak-masuk': () => import('./get-inbox.ts'),
  'POST /konsol/kotak-masuk': () => import('./post-inbox.ts'),
  'GET /konsol/pelatihan': () => import('./get-trainings.ts'),
  'POST /konsol/pelatihan': () => import('./post-trainings.ts'),
  'GET /konsol/pelatihan/{trainingId}': () => import('./get-training.ts'),
  'POST /konsol/pelatihan/{trainingId}': () => import('./post-training.ts'),
});
