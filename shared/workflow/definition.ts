import * as z from '#shared/zod';

/**
 * Who sits in a stage. Fixed people are directory person ids; roles are resolved when the stage opens, from the
 * directory as it is then (acting officials and vacancies handled by the directory's `resolveHead`).
 */
export const ApproverSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person'), personId: z.string().check(z.minLength(1)) }),
  /** The head of the office that submitted (its Plt./Plh. when vacant or away; the next level up otherwise). */
  z.object({ kind: z.literal('head-of-submitting-office') }),
  /** The head of a named unit (e.g. BKPSDM). */
  z.object({ kind: z.literal('head-of-unit'), unitCode: z.string().check(z.minLength(1)) }),
  /** Every active staff member with the admin role in a named office (e.g. BKPSDM's admins). */
  z.object({ kind: z.literal('admins-of-office'), officeCode: z.string().check(z.minLength(1)) }),
]);
export type ApproverSource = z.infer<typeof ApproverSource>;

/** How a stage's votes close it. A quorum of k fails as soon as more than n - k seats reject. */
export const StageRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('any') }),
  z.object({ kind: z.literal('quorum'), k: z.number().check(z.int(), z.minimum(1)) }),
]);
export type StageRule = z.infer<typeof StageRule>;

/** A condition on submitted values that decides whether a stage runs (a skipped stage is recorded). */
export const StageCondition = z.object({
  field: z.string().check(z.minLength(1)),
  op: z.enum(['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte', 'present']),
  value: z.optional(z.union([z.string(), z.number(), z.array(z.string())])),
});
export type StageCondition = z.infer<typeof StageCondition>;

export const StageDefinition = z
  .object({
    name: z.string().check(z.minLength(1), z.maxLength(100)),
    approvers: z.array(ApproverSource).check(z.minLength(1), z.maxLength(20)),
    rule: StageRule,
    condition: z.optional(StageCondition),
    /** Working days after the stage opens when unanswered seats get a reminder. */
    reminderAfterDays: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(60))),
    /** Working days after the stage opens when it hits its deadline. */
    deadlineAfterDays: z.number().check(z.int(), z.minimum(1), z.maximum(120)),
    onDeadline: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('auto-reject') }),
      z.object({ kind: z.literal('escalate'), to: ApproverSource }),
    ]),
  })
  .check(
    z.superRefine((stage, ctx) => {
      if (stage.rule.kind === 'quorum' && stage.rule.k > stage.approvers.length) {
        ctx.addIssue({ code: 'custom', path: ['rule', 'k'], message: 'kuorum melebihi jumlah penyetuju' });
      }
      if (stage.reminderAfterDays !== undefined && stage.reminderAfterDays >= stage.deadlineAfterDays) {
        ctx.addIssue({ code: 'custom', path: ['reminderAfterDays'], message: 'pengingat harus sebelum tenggat' });
      }
    }),
  );
export type StageDefinition = z.infer<typeof StageDefinition>;

/** A workflow definition version: ordered stages and what happens when the requester is asked for changes. */
export const WorkflowDefinition = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  stages: z.array(StageDefinition).check(z.minLength(1), z.maxLength(10)),
  /** Where a resubmission restarts: the first stage, or the stage that asked for changes. */
  restartFrom: z._default(z.enum(['first', 'current']), 'first'),
  /** Working days the requester has to resubmit after "request changes"; then the request is withdrawn. */
  resubmitWithinDays: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(60)), 10),
  /** At most this many rounds (first submission included). */
  maxRounds: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(10)), 3),
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;

/** Whether a stage runs for these submitted values. */
export const stageApplies = (condition: StageCondition | undefined, values: Record<string, unknown>): boolean => {
  if (!condition) return true;
  const actual = values[condition.field];
  const expected = condition.value;
  switch (condition.op) {
    case 'present':
      return actual !== undefined && actual !== '' && !(Array.isArray(actual) && actual.length === 0);
    case 'eq':
      return Array.isArray(actual) ? actual.includes(String(expected)) : String(actual) === String(expected);
    case 'ne':
      return Array.isArray(actual) ? !actual.includes(String(expected)) : String(actual) !== String(expected);
    case 'in':
      return Array.isArray(expected) && expected.includes(String(actual));
    case 'gt':
      return Number(actual) > Number(expected);
    case 'gte':
      return Number(actual) >= Number(expected);
    case 'lt':
      return Number(actual) < Number(expected);
    case 'lte':
      return Number(actual) <= Number(expected);
  }
};

export type Vote = 'approve' | 'reject';

/**
 * The state of a stage given its seats' votes: still open, approved or rejected. `all`: every seat approves (one
 * reject rejects); `any`: one approval approves (everyone rejecting rejects); `quorum k of n`: k approvals approve,
 * and it is rejected as soon as more than n - k seats reject (k approvals can no longer be reached).
 */
export const stageOutcome = (rule: StageRule, seats: number, votes: Vote[]): 'open' | 'approved' | 'rejected' => {
  const approvals = votes.filter((v) => v === 'approve').length;
  const rejections = votes.length - approvals;
  const needed = rule.kind === 'all' ? seats : rule.kind === 'any' ? 1 : rule.k;
  if (approvals >= needed) return 'approved';
  if (rejections > seats - needed) return 'rejected';
  return 'open';
};
