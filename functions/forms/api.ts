import { routeTable } from '#shared/http/router';
import { handler as getForm } from './get-form.ts';
import { handler as getForms } from './get-forms.ts';
import { handler as getSubmission } from './get-submission.ts';
import { handler as getSubmissions } from './get-submissions.ts';
import { handler as postForm } from './post-form.ts';
import { handler as postFormStatus } from './post-form-status.ts';
import { handler as postFormVersion } from './post-form-version.ts';
import { handler as postSubmission } from './post-submission.ts';

/** Forms and their submissions. */
export const handler = routeTable(
  postForm,
  getForms,
  getForm,
  postFormVersion,
  postFormStatus,
  postSubmission,
  getSubmissions,
  getSubmission,
);
