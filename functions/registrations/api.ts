import { routeTable } from '#shared/http/router';

/** Trainings and registrations: admin management, office nominations' state, cancellation, attendance, lists. */
export const handler = routeTable({
  'POST /trainings': () => import('./create-training.ts'),
  'GET /trainings': () => import('./list-trainings.ts'),
  'GET /trainings/{trainingId}': () => import('./get-training.ts'),
  'POST /trainings/{trainingId}/status': () => import('./set-training-status.ts'),
  'PUT /trainings/{trainingId}/batches/{batch}/capacity': () => import('./set-capacity.ts'),
  'GET /trainings/{trainingId}/registrations': () => import('./list-registrations.ts'),
  'POST /registrations/{submissionId}/cancel': () => import('./cancel-registration.ts'),
  'POST /trainings/{trainingId}/batches/{batch}/attendance': () => import('./record-attendance.ts'),
  'GET /trainings/{trainingId}/batches/{batch}/participants': () => import('./get-participants.ts'),
});
