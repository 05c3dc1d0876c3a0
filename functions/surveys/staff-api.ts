import { routeTable } from '#shared/http/router';
import { handler as createTicketBatch } from './create-ticket-batch.ts';
import { handler as exportCsv } from './export-csv.ts';
import { handler as getOverview } from './get-overview.ts';
import { handler as getReport } from './get-report.ts';
import { handler as getTicketSheet } from './get-ticket-sheet.ts';
import { handler as getTrend } from './get-trend.ts';
import { handler as listSuggestions } from './list-suggestions.ts';
import { handler as putFollowUp } from './put-follow-up.ts';
import { handler as setPopulation } from './set-population.ts';

/** Survey reports and follow-up, for staff. */
export const handler = routeTable(
  getReport,
  setPopulation,
  createTicketBatch,
  getTicketSheet,
  listSuggestions,
  putFollowUp,
  getTrend,
  getOverview,
  exportCsv,
);
