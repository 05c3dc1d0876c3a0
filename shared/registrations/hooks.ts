import { documents, tableName } from '#shared/aws/clients';
import type { WorkflowHooks } from '#shared/workflow/hooks';
import {
  registrationOnFinalOutcome,
  registrationOnResubmit,
  registrationOnSubmit,
  registrationRetainedFrom,
} from './registrations.ts';

const store = () => ({ db: documents, table: tableName() });

/** How a nomination rides the approval engine: the registration is written, moved and settled with its steps. */
export const trainingRegistrationHooks: WorkflowHooks = {
  preSubmit: (submission, now) => registrationOnSubmit(store(), submission, now),
  onResubmit: (submission, _previous, now) => registrationOnResubmit(store(), submission, now),
  onFinalOutcome: (submission, outcome, now) =>
    registrationOnFinalOutcome(
      store(),
      { ...submission, decidedAt: submission.decidedAt ?? now.toISOString() },
      outcome,
      now,
    ),
  retainFrom: (submission) => registrationRetainedFrom(store(), submission.id),
};
