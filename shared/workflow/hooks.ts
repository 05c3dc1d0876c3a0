import type { TransactionItem } from '#shared/db/transact';

/**
 * Hooks for capabilities built on the engine (training registrations). A form names its hooks (`hooks` on the form
 * head); the engine calls them at fixed points and adds the transaction items they return to its own transaction,
 * so what a capability records commits or fails with the engine's step. Each hook must be idempotent: the engine's
 * steps are retried, and its own conditions make a repeated step a no-op.
 */

/** What a hook sees of a submission. */
export interface HookSubmission {
  id: string;
  formId: string;
  officeCode: string;
  submittedBy: string;
  values: Record<string, unknown>;
  round: number;
  /** The comment of the decision that ended the request (a rejection), for the hook's own mail. */
  comment?: string;
  /** When the request reached its final status (the final decision's time), for ordering by decision. */
  decidedAt?: string;
}

export type FinalOutcome = 'approved' | 'rejected' | 'withdrawn';

export interface WorkflowHooks {
  /** Before a submission is written: checks (throw a DomainError to refuse) and items written with it. */
  preSubmit?(submission: HookSubmission, now: Date): Promise<TransactionItem[]>;
  /** When changes are resubmitted: `previous` holds the values before the change. */
  onResubmit?(submission: HookSubmission, previous: Record<string, unknown>, now: Date): Promise<TransactionItem[]>;
  /** When the request ends. Runs once per request (the engine's finalize step is conditioned). */
  onFinalOutcome?(submission: HookSubmission, outcome: FinalOutcome, now: Date): Promise<TransactionItem[]>;
  /**
   * When the retention of the ended request starts, if later than its end: what the capability keeps in use after
   * the decision (a nomination's batch still to be held) is not deleted before it is done with.
   */
  retainFrom?(submission: HookSubmission): Promise<Date | undefined>;
}

/**
 * The hooks of a form (none when it names none), from the static registry of capabilities
 * (`./capabilities.ts`): every function that runs the engine's steps has them, without import side effects.
 */
export const hooksFor = async (name: string | undefined): Promise<WorkflowHooks> => {
  if (name === undefined) return {};
  // Loaded on first use: functions whose forms name no hooks never load a capability.
  const { capabilityHooks } = await import('./capabilities.ts');
  const hooks = capabilityHooks[name];
  if (!hooks) throw new Error(`no workflow hooks registered under "${name}"`);
  return hooks;
};
