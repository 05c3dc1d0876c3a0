import { documents, tableName } from '#shared/aws/clients';
import { getSubmissionRoute } from '#shared/forms/contracts';
import { getSubmission } from '#shared/forms/forms';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(getSubmissionRoute, async ({ params, caller }) => {
  const submission = await getSubmission({ db: documents, table: tableName() }, params.submissionId);
  requireOffice(caller, submission.officeCode);
  return { status: 200, body: submission };
});
