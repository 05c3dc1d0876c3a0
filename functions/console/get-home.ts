import { consoleHomeRoute } from '#shared/console/contracts';
import { homePage } from '#shared/console/office-pages';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(consoleHomeRoute, async ({ caller }) => ({ status: 200, html: homePage(caller) }));
