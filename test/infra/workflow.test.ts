import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/constructs/bundle';
import { synthesize } from '#infra/local/synth';
import { endpoints } from '#shared/http/catalogue';

const validate = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (separator?: string) => string;
};

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON.
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
let resources: Record<string, Resource>;

beforeAll(async () => {
  const assembly = await synthesize({ context: { stage: 'prod' } });
  resources = JSON.parse(readFileSync(path.join(assembly.dir, 'abdi-prod.template.json'), 'utf8')).Resources;
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** The definition with every intrinsic replaced by a plausible ARN (validation checks ARN shapes). */
const definitionOf = (machine: Resource) => {
  const parts = machine.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref === 'AWS::Partition') return 'aws';
      const target = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] ?? ref;
      return `arn:aws:lambda:ap-southeast-3:123456789012:function:${target}`;
    })
    .join('');
  return JSON.parse(text);
};

describe('the approval state machine', () => {
  it('is the only state machine of the stack, Standard, logging errors without execution data', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    const [, machine] = machines[0]!;
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    expect(machine.Properties.StateMachineName).toBe('abdi-prod-approval');
    expect(machine.Properties.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
  });

  it('validates with asl-validator, uses JSONPath only, and has the Parallel stage round of the design', () => {
    const definition = definitionOf(ofType('AWS::StepFunctions::StateMachine')[0]![1]);
    const result = validate(definition);
    expect(result.isValid, result.errorsText?.('\n')).toBe(true);
    const text = JSON.stringify(definition);
    expect(text).not.toContain('JSONata');
    expect(text).not.toContain('{%');
    expect(text).not.toContain('TimeoutSecondsPath');
    expect(text).not.toContain('Heartbeat');
    expect(definition.StartAt).toBe('Advance');
    const round = definition.States.StageRound;
    expect(round.Type).toBe('Parallel');
    const [decision, timer] = round.Branches;
    expect(decision.States.WaitForDecision.Resource).toMatch(/lambda:invoke\.waitForTaskToken$/);
    expect(decision.States.StageClosed).toMatchObject({ Type: 'Fail', Error: 'StageClosed' });
    expect(timer.States.UntilReminder).toMatchObject({ Type: 'Wait', TimestampPath: '$.reminderAt' });
    expect(timer.States.UntilDeadline).toMatchObject({ Type: 'Wait', TimestampPath: '$.deadlineAt' });
    expect(timer.States.StageDeadline).toMatchObject({ Type: 'Fail', Error: 'StageDeadline' });
    expect(round.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Advance' }]);
    // Execution input is ids only: the task payloads carry the submission id, round and stage, never values.
    expect(decision.States.WaitForDecision.Parameters.Payload).toEqual({
      'token.$': '$$.Task.Token',
      kind: 'stage',
      'submissionId.$': '$.submissionId',
      'round.$': '$.round',
      'stageIndex.$': '$.stageIndex',
    });
  });

  it('runs its steps on functions with stable names, so a deploy does not break executions in flight', () => {
    const names = ofType('AWS::Lambda::Function')
      .map(([, fn]) => fn.Properties.FunctionName)
      .filter((name): name is string => typeof name === 'string');
    expect(names.sort()).toEqual([
      'abdi-prod-workflow-advance',
      'abdi-prod-workflow-remind',
      'abdi-prod-workflow-wait-task',
    ]);
  });
});

describe('the stack', () => {
  it("stays well under CloudFormation's 500 resources per stack", () => {
    expect(Object.keys(resources).length).toBeLessThan(400);
  });

  it('routes every route of a function to a handler of its entry, and nothing else', async () => {
    for (const endpoint of endpoints) {
      const entry = (await import(path.join(projectRoot, endpoint.entry))) as {
        handler: {
          routeKeys?: string[];
          load?: (key: string) => Promise<{ route: { method: string; path: string } }>;
          route?: { method: string; path: string };
        };
      };
      const served = entry.handler.routeKeys ?? [`${entry.handler.route?.method} ${entry.handler.route?.path}`];
      expect(served.sort(), endpoint.id).toEqual(endpoint.routes.map((r) => `${r.method} ${r.path}`).sort());
      // Each lazily loaded route is the one its key names (the table refuses a loader yielding another).
      for (const key of entry.handler.routeKeys ?? []) {
        const route = (await entry.handler.load!(key)).route;
        expect(`${route.method} ${route.path}`).toBe(key);
      }
    }
  });
});
