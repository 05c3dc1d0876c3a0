import { describe, expect, it } from 'vitest';
import { wibDate } from '#shared/time';
import { deadlineAt, reminderAt } from '#shared/workflow/calendar';
import { stageApplies, stageOutcome, WorkflowDefinition } from '#shared/workflow/definition';

describe('stageOutcome', () => {
  it('closes an `all` stage on the last approval and rejects it on the first rejection', () => {
    expect(stageOutcome({ kind: 'all' }, 3, ['approve', 'approve'])).toBe('open');
    expect(stageOutcome({ kind: 'all' }, 3, ['approve', 'approve', 'approve'])).toBe('approved');
    expect(stageOutcome({ kind: 'all' }, 3, ['approve', 'reject'])).toBe('rejected');
  });

  it('closes an `any` stage on the first approval and rejects it only when everyone rejected', () => {
    expect(stageOutcome({ kind: 'any' }, 3, ['reject', 'approve'])).toBe('approved');
    expect(stageOutcome({ kind: 'any' }, 3, ['reject', 'reject'])).toBe('open');
    expect(stageOutcome({ kind: 'any' }, 3, ['reject', 'reject', 'reject'])).toBe('rejected');
  });

  it('approves a quorum of 2 of 3 at two approvals and rejects it once 2 reject (more than n - k = 1)', () => {
    const quorum = { kind: 'quorum', k: 2 } as const;
    expect(stageOutcome(quorum, 3, ['approve'])).toBe('open');
    expect(stageOutcome(quorum, 3, ['reject'])).toBe('open');
    expect(stageOutcome(quorum, 3, ['approve', 'approve'])).toBe('approved');
    expect(stageOutcome(quorum, 3, ['reject', 'approve'])).toBe('open');
    expect(stageOutcome(quorum, 3, ['reject', 'reject'])).toBe('rejected');
  });
});

describe('stageApplies', () => {
  it('runs a stage without a condition, and a conditional one only when its condition holds', () => {
    expect(stageApplies(undefined, {})).toBe(true);
    expect(stageApplies({ field: 'biaya', op: 'gt', value: 5_000_000 }, { biaya: 7_500_000 })).toBe(true);
    expect(stageApplies({ field: 'biaya', op: 'gt', value: 5_000_000 }, { biaya: 1_000 })).toBe(false);
    expect(stageApplies({ field: 'bidang', op: 'in', value: ['kesehatan', 'sosial'] }, { bidang: 'sosial' })).toBe(
      true,
    );
    expect(stageApplies({ field: 'hari', op: 'eq', value: 'senin' }, { hari: ['senin', 'selasa'] })).toBe(true);
    expect(stageApplies({ field: 'catatan', op: 'present' }, { catatan: '' })).toBe(false);
  });
});

describe('WorkflowDefinition', () => {
  it('refuses a quorum larger than its approvers and a reminder not before the deadline', () => {
    const result = WorkflowDefinition.safeParse({
      name: 'x',
      stages: [
        {
          name: 'Kepala',
          approvers: [{ kind: 'head-of-submitting-office' }],
          rule: { kind: 'quorum', k: 2 },
          reminderAfterDays: 3,
          deadlineAfterDays: 3,
          onDeadline: { kind: 'auto-reject' },
        },
      ],
    });
    const paths = result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
    expect(paths.sort()).toEqual(['stages.0.reminderAfterDays', 'stages.0.rule.k']);
  });
});

describe('working days in WIB', () => {
  // Friday 2026-03-13 15:00 WIB = 08:00Z. Holidays: Monday 16 March (example cuti bersama).
  const openedAt = Date.parse('2026-03-13T08:00:00Z');
  const holidays = new Set(['2026-03-16']);

  it('reminds at 08:00 WIB on the n-th working day after, skipping weekends and holidays', () => {
    // 1st working day after Friday: Sat, Sun skipped, Mon is a holiday -> Tuesday 17 March, 08:00 WIB = 01:00Z.
    expect(new Date(reminderAt(openedAt, 1, holidays)).toISOString()).toBe('2026-03-17T01:00:00.000Z');
  });

  it('sets the deadline at 16:00 WIB on the n-th working day after', () => {
    // 3 working days after Friday: Tue 17, Wed 18, Thu 19 -> 16:00 WIB = 09:00Z.
    expect(new Date(deadlineAt(openedAt, 3, holidays)).toISOString()).toBe('2026-03-19T09:00:00.000Z');
  });

  it('counts from the WIB day: 23:30 WIB Sunday is still Sunday, 17:30Z Saturday is Sunday in WIB', () => {
    expect(wibDate(Date.parse('2026-01-31T17:30:00Z'))).toBe('2026-02-01');
    // Opened Sunday 1 Feb 00:30 WIB: the 1st working day after is Monday 2 Feb.
    expect(new Date(reminderAt(Date.parse('2026-01-31T17:30:00Z'), 1, new Set())).toISOString()).toBe(
      '2026-02-02T01:00:00.000Z',
    );
  });
});
