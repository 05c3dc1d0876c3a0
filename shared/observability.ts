import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { redactingReplacer } from './redact.ts';
import { withMappedStack } from './stack-map.ts';

// One logger and one metrics instance per execution environment; service name and level come from the
// POWERTOOLS_* variables the function construct sets. Every log line goes through the redacting replacer, and a
// logged error's stack is mapped to the sources (functions run without `--enable-source-maps`).
export const logger = new Logger({
  jsonReplacerFn: (key, value) => redactingReplacer(key, value instanceof Error ? withMappedStack(value) : value),
});
export const metrics = new Metrics();
