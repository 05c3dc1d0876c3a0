import { surveyAlertKeys } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { ConditionFailedError, transact } from '#shared/db/transact';
import type { Unit } from '#shared/directory/schemas';
import { allUnits, type Documents } from '#shared/directory/units';
import { deliverAfterCommit, type MailDeps, type OutboxOptions, outboxItem } from '#shared/mail/outbox';
import type { Aggregate } from './aggregates.ts';
import { elementGradeOf, ikmOf, nrrOf } from './ikm.ts';
import { DEFAULT_INSTRUMENT, type Instrument } from './instrument.ts';
import { type MonthKey, wibMonthOf } from './periods.ts';
import { loadMonthAggregates } from './rollups.ts';

/**
 * The low-score alert: a daily job emails a unit's head when, in the WIB month so far and with at least
 * `minResponses` responses, the unit's IKM is below grade B (under 76.61) or an element's NRR is below 2.60. Once per
 * unit and month: the alert item (`SURVEY_ALERT#<unit>` / `<month>`) is created with `attribute_not_exists` in the
 * same transaction as the outbox mail, so a second run (or two overlapping runs) sends nothing more.
 */

/** Responses a month needs before it can alert: a handful of answers says little about a unit. */
export const ALERT_MIN_RESPONSES = 30;
/** Below this NRR (exactly 2.60, the lower edge of grade C) an element alerts. */
const NRR_FLOOR = { numerator: 13n, denominator: 5n };

/** Why a unit's month alerts, or undefined when it does not. */
export const alertReasons = (instrument: Instrument, aggregate: Aggregate, minResponses: number): string[] => {
  if (aggregate.responses < Math.max(1, minResponses)) return [];
  const reasons: string[] = [];
  const graded = ikmOf(instrument, aggregate.elements);
  if (graded && graded.mutu !== 'A' && graded.mutu !== 'B') {
    reasons.push(`IKM ${graded.ikm.text} (mutu ${graded.mutu}, ${graded.kinerja}) di bawah mutu B`);
  }
  for (const element of instrument.elements) {
    const tally = aggregate.elements[element.key];
    // sum / count < 13 / 5, cross-multiplied: exact, no float.
    if (!tally || tally.count === 0) continue;
    if (BigInt(tally.sum) * NRR_FLOOR.denominator < NRR_FLOOR.numerator * BigInt(tally.count)) {
      reasons.push(`Unsur ${element.name}: NRR ${nrrOf(tally)?.text} di bawah 2,60`);
    }
  }
  return reasons;
};

/** What a run did. */
export interface AlertRun {
  month: MonthKey;
  checked: number;
  alerted: string[];
  /** Units that would alert but have no head email. */
  noRecipient: string[];
  /** Units alerted before in this month. */
  alreadyAlerted: string[];
}

const alertMail = (unit: Unit, month: MonthKey, aggregate: Aggregate, reasons: string[], instrument: Instrument) => {
  const graded = ikmOf(instrument, aggregate.elements);
  const weakest = instrument.elements
    .map((e) => ({ name: e.name, grade: elementGradeOf(instrument, aggregate.elements[e.key]!) }))
    .filter((e) => e.grade)
    .sort((a, b) => a.grade!.ikm.scaled - b.grade!.ikm.scaled)
    .slice(0, 3);
  return {
    to: [unit.headEmail!],
    template: 'notice' as const,
    // One per unit and month: the outbox refuses a second mail of the same id, as the alert item does.
    id: `skm-alert-${unit.code}-${month}`,
    data: {
      subject: `Peringatan SKM: nilai rendah ${unit.name} bulan ${month}`,
      paragraphs: [
        `Hasil Survei Kepuasan Masyarakat ${unit.name} untuk bulan ${month} (sampai hari ini) perlu perhatian:`,
        ...reasons,
        'Mohon tinjau saran dan pengaduan masyarakat serta unsur pelayanan yang terlemah, lalu tindak lanjuti. ' +
          'Peringatan ini dikirim sekali per bulan.',
      ],
      details: [
        { label: 'Jumlah responden', value: String(aggregate.responses) },
        { label: 'IKM', value: graded ? `${graded.ikm.text} (${graded.mutu}, ${graded.kinerja})` : '-' },
        ...weakest.map((e) => ({ label: `Unsur lemah: ${e.name}`, value: `${e.grade!.ikm.text} (${e.grade!.mutu})` })),
      ],
      officeName: unit.name,
    },
  };
};

/**
 * Checks every active unit's current WIB month and alerts the heads of those scoring low, once per month. Reads:
 * the units (one index Query), their month items and shards (BatchGetItem, 100 keys a call); writes only alerts.
 */
export const runLowScoreAlerts = async (
  client: Documents,
  table: string,
  now: Date,
  options: { minResponses?: number; outbox?: OutboxOptions; mail?: MailDeps } = {},
): Promise<AlertRun> => {
  const instrument = DEFAULT_INSTRUMENT;
  const month = wibMonthOf(now);
  const minResponses = options.minResponses ?? ALERT_MIN_RESPONSES;
  const units = (await allUnits(client, table)).filter((u) => u.status === 'active');
  const aggregates = await loadMonthAggregates(
    client,
    table,
    units.map((u) => u.code),
    [month],
    instrument,
  );
  const run: AlertRun = { month, checked: units.length, alerted: [], noRecipient: [], alreadyAlerted: [] };
  for (const unit of units) {
    const aggregate = aggregates.get(unit.code)?.get(month);
    if (!aggregate) continue;
    const reasons = alertReasons(instrument, aggregate, minResponses);
    if (reasons.length === 0) continue;
    if (!unit.headEmail) {
      run.noRecipient.push(unit.code);
      continue;
    }
    const mail = outboxItem(alertMail(unit, month, aggregate, reasons, instrument), now, {
      table,
      ...options.outbox,
    });
    const alert = {
      label: 'survey-alert',
      put: {
        TableName: table,
        Item: {
          ...surveyAlertKeys(unit.code, month),
          ...migrations.stamp('survey-alert', {
            unitCode: unit.code,
            month,
            reasons,
            responses: aggregate.responses,
            mailId: mail.Put.Item.id,
            createdAt: now.toISOString(),
          }),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
    const entries = [alert, { label: 'mail', put: mail.Put }];
    try {
      await transact(client, entries);
    } catch (error) {
      // The alert (or its mail) exists: this unit's month was alerted before.
      if (error instanceof ConditionFailedError) {
        run.alreadyAlerted.push(unit.code);
        continue;
      }
      throw error;
    }
    await deliverAfterCommit(entries, options.mail);
    run.alerted.push(unit.code);
  }
  return run;
};
