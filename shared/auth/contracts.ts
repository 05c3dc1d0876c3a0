import * as z from 'zod';
import { defineRoute } from '#shared/http/contract';

const page = { description: 'A page', contentType: 'text/html' };

export const loginRoute = defineRoute({
  method: 'GET',
  path: '/auth/login',
  auth: 'public',
  summary: 'Start staff sign-in: redirect to the managed login page (authorization code with PKCE)',
  tags: ['auth'],
  request: { query: z.object({ next: z.string().max(512).optional() }) },
  responses: { 302: { description: 'To the managed login page' }, 400: page },
});

export const callbackRoute = defineRoute({
  method: 'GET',
  path: '/auth/callback',
  auth: 'public',
  summary: 'Finish staff sign-in: exchange the code, set the session cookie, go to the page asked for',
  tags: ['auth'],
  request: {
    query: z.object({
      code: z.string().min(1).max(2048).optional(),
      state: z.string().min(1).max(256).optional(),
      error: z.string().max(256).optional(),
    }),
  },
  responses: { 302: { description: 'Signed in' }, 400: page, 401: page },
});

export const logoutRoute = defineRoute({
  method: 'POST',
  path: '/auth/logout',
  auth: 'public',
  summary: 'Sign out: clear the session cookie and end the managed-login session',
  tags: ['auth'],
  responses: { 302: { description: 'Signed out' }, 200: page },
});
