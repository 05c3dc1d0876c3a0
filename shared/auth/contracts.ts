import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';

const page = { description: 'A page', contentType: 'text/html' };

export const loginRoute = defineRoute({
  method: 'GET',
  path: '/auth/login',
  auth: 'public',
  summary: 'Start staff sign-in: redirect to the managed login page (authorization code with PKCE)',
  tags: ['auth'],
  request: { query: z.object({ next: z.optional(z.string().check(z.maxLength(512))) }) },
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
      code: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
      state: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
      error: z.optional(z.string().check(z.maxLength(256))),
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
