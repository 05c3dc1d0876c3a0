import { trainingRegistrationHooks } from '#shared/registrations/hooks';
import type { WorkflowHooks } from './hooks.ts';

/** Capabilities built on the engine, by the hooks name their forms carry. */
export const capabilityHooks: Record<string, WorkflowHooks> = {
  'training-registration': trainingRegistrationHooks,
};
