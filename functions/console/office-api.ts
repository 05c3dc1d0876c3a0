import { routeTable } from '#shared/http/router';
import { handler as getForm } from './get-form.ts';
import { handler as getForms } from './get-forms.ts';
import { handler as getHome } from './get-home.ts';
import { handler as getReport } from './get-report.ts';
import { handler as getReports } from './get-reports.ts';
import { handler as getSubmission } from './get-submission.ts';
import { handler as getSubmissions } from './get-submissions.ts';
import { handler as getSuggestions } from './get-suggestions.ts';
import { handler as postForm } from './post-form.ts';
import { handler as postSubmission } from './post-submission.ts';
import { handler as postSuggestion } from './post-suggestion.ts';

/**
 * The console's home and the work of offices and units: forms to fill, the office's submissions (withdraw,
 * resubmit), survey reports with charts and suggestions to answer.
 */
export const handler = routeTable(
  getHome,
  getForms,
  getForm,
  postForm,
  getSubmissions,
  getSubmission,
  postSubmission,
  getReports,
  getReport,
  getSuggestions,
  postSuggestion,
);
