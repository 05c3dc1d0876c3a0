import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { redactingReplacer } from './redact.ts';

// One logger and one metrics instance per execution environment; service name and level come from the
// POWERTOOLS_* variables the function construct sets. Every log line goes through the redacting replacer.
export const logger = new Logger({ jsonReplacerFn: redactingReplacer });
export const metrics = new Metrics();
