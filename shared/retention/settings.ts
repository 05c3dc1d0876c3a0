import * as z from '#shared/zod';

/**
 * How long abdi keeps records about people, in days, per deployment stage: the CDK context `retention` (cdk.json,
 * one entry per stage, each setting optional) over {@link DEFAULT_RETENTION}. The stack passes the settings to the
 * retention job as environment variables ({@link retentionEnvironment}); nothing else reads them. Survey aggregates
 * and roll-ups (the IKM's figures) hold no response and are never deleted. Why the defaults: docs/security.md.
 */
export interface RetentionSettings {
  /** Raw survey responses, counted from the end of their WIB month (a month's responses go together). */
  surveyResponsesDays: number;
  /**
   * Closed submissions (values, stages, votes, a nomination's registration, seat and NIP claim), counted from their
   * final state (approved, rejected, withdrawn; a submission without approval chain from its filing), or from the end
   * of a nomination's batch when that is later.
   */
  submissionsDays: number;
  /** The audit trail of a closed submission, counted as the submission is. */
  auditDays: number;
}

/** Three years of raw responses, five of closed submissions and their audit trail (see docs/security.md). */
export const DEFAULT_RETENTION: Readonly<RetentionSettings> = {
  surveyResponsesDays: 1095,
  submissionsDays: 1826,
  auditDays: 1826,
};

// At least a month: a setting written in years instead of days (5 for 1826) must not wipe a month's work.
const Days = z.number().check(z.int(), z.minimum(30), z.maximum(36_500));

const Overrides = z.strictObject({
  surveyResponsesDays: z.optional(Days),
  submissionsDays: z.optional(Days),
  auditDays: z.optional(Days),
});

/** The context value: settings per stage, e.g. `{ "prod": { "submissionsDays": 1826 } }`. */
const RetentionContext = z.record(z.string(), Overrides);

/**
 * The retention settings of `stage` from the context value `retention` (undefined: the defaults).
 * @throws Error naming the setting for a malformed value
 */
export const retentionOf = (context: unknown, stage: string): RetentionSettings => {
  const parsed = z.optional(RetentionContext).safeParse(context);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`context retention.${issue.path.join('.')}: ${issue.message}`);
  }
  return { ...DEFAULT_RETENTION, ...parsed.data?.[stage] };
};

const ENVIRONMENT = {
  surveyResponsesDays: 'RETENTION_SURVEY_RESPONSES_DAYS',
  submissionsDays: 'RETENTION_SUBMISSIONS_DAYS',
  auditDays: 'RETENTION_AUDIT_DAYS',
} as const satisfies Record<keyof RetentionSettings, string>;

/** The settings as the retention job's environment variables. */
export const retentionEnvironment = (settings: RetentionSettings): Record<string, string> =>
  Object.fromEntries(
    Object.entries(ENVIRONMENT).map(([setting, name]) => [name, String(settings[setting as keyof RetentionSettings])]),
  );

/**
 * The settings from the function's environment: all three must be there, no defaults (the template is the one
 * place they are decided).
 * @throws Error naming a missing or malformed variable
 */
export const retentionFromEnvironment = (env: Record<string, string | undefined> = process.env): RetentionSettings =>
  Object.fromEntries(
    Object.entries(ENVIRONMENT).map(([setting, name]) => {
      const days = Days.safeParse(Number(env[name] ?? Number.NaN));
      if (!days.success) throw new Error(`${name} must be a whole number of days (30 or more), got "${env[name]}"`);
      return [setting, days.data];
    }),
  ) as unknown as RetentionSettings;
