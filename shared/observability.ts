import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import * as z from 'zod';
import { redactingReplacer } from './redact.ts';
import { withMappedStack } from './stack-map.ts';

// One logger and one metrics instance per execution environment; service name and level come from the
// POWERTOOLS_* variables the function construct sets. Every log line goes through the redacting replacer, and a
// logged error's stack is mapped to the sources (functions run without `--enable-source-maps`).
export const logger = new Logger({
  jsonReplacerFn: (key, value) => redactingReplacer(key, value instanceof Error ? withMappedStack(value) : value),
});
export const metrics = new Metrics();

// Set here because every function loads this module before it handles anything. Zod compiles a parser for each object
// schema at its first parse (`new Function`); a cold start parses each schema once or twice, so compiling costs more
// than it saves: 20 object schemas' first parses took 8-17 ms compiled against 2 ms interpreted (docs/performance.md).
z.config({ jitless: true });
