import { routeTable } from '#shared/http/router';
import { handler as getDirectory } from './admin-get-directory.ts';
import { handler as getForm } from './admin-get-form.ts';
import { handler as getForms } from './admin-get-forms.ts';
import { handler as getMail } from './admin-get-mail.ts';
import { handler as getStaff } from './admin-get-staff.ts';
import { handler as getWorkflow } from './admin-get-workflow.ts';
import { handler as getWorkflows } from './admin-get-workflows.ts';
import { handler as postDirectory } from './admin-post-directory.ts';
import { handler as postForm } from './admin-post-form.ts';
import { handler as postForms } from './admin-post-forms.ts';
import { handler as postMail } from './admin-post-mail.ts';
import { handler as postStaff } from './admin-post-staff.ts';
import { handler as postWorkflow } from './admin-post-workflow.ts';
import { handler as postWorkflows } from './admin-post-workflows.ts';

/** The admins' console pages: forms, workflow definitions, directory and imports, staff, failed mail. */
export const handler = routeTable(
  getForms,
  postForms,
  getForm,
  postForm,
  getWorkflows,
  postWorkflows,
  getWorkflow,
  postWorkflow,
  getDirectory,
  postDirectory,
  getStaff,
  postStaff,
  getMail,
  postMail,
);
