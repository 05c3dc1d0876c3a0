import { documents, tableName } from '#shared/aws/clients';
import type { EngineDeps } from './engine.ts';

/** The engine's dependencies in a function: the module-scope document client, the bound table, the clock. */
export const engineDeps = (): EngineDeps => ({ db: documents, table: tableName(), now: () => new Date() });
