import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// The one zod every schema is built with: zod/mini (functions instead of methods), whose schemas are cheaper to
// build than the classic API's and whose code is a fraction of its size; a cold start builds every schema of the
// modules its route imports (docs/performance.md). Configured here, before any schema exists:
// - English messages for the issues a schema does not word itself (mini loads no locale of its own);
// - no compiled parsers: zod compiles a parser for each object schema at its first parse (`new Function`); a cold
//   start parses each schema once or twice, so compiling costs more than it saves (20 object schemas' first parses
//   took 8-17 ms compiled against 2 ms interpreted).
z.config({ ...en(), jitless: true });

export * from 'zod/mini';
