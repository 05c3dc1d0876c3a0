import { routeTable } from '#shared/http/router';
import { handler as cancelRegistration } from './cancel-registration.ts';
import { handler as createTraining } from './create-training.ts';
import { handler as getParticipants } from './get-participants.ts';
import { handler as getTraining } from './get-training.ts';
import { handler as listRegistrations } from './list-registrations.ts';
import { handler as listTrainings } from './list-trainings.ts';
import { handler as recordAttendance } from './record-attendance.ts';
import { handler as setCapacity } from './set-capacity.ts';
import { handler as setTrainingStatus } from './set-training-status.ts';

/** Trainings and registrations: admin management, office nominations' state, cancellation, attendance, lists. */
export const handler = routeTable(
  createTraining,
  listTrainings,
  getTraining,
  setTrainingStatus,
  setCapacity,
  listRegistrations,
  cancelRegistration,
  recordAttendance,
  getParticipants,
);
