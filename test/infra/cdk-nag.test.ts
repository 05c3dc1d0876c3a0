import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { AbdiStack } from '#infra/stack';
import { endpoints } from '#shared/http/catalogue';

/**
 * cdk-nag's AwsSolutions pack over the whole stack, as deployed to prod and dev. Every finding is fixed or
 * acknowledged on the construct it concerns (in infra/constructs/), never for the whole stack; wildcard findings
 * (IAM5) are acknowledged one finding at a time; the list of acknowledgments is a snapshot, so a new one is a
 * reviewed change.
 */

const build = (stage: string): { app: App; stack: Stack } => {
  // No bundling: the checks read the construct tree, not the code.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new AbdiStack(app, `abdi-${stage}`, {
    stage,
    env: { account: '123456789012', region: 'ap-southeast-3' },
    alarmEmail: 'ops@palembang.go.id',
    mailDomain: 'palembang.go.id',
    sesVerified: true,
    customDomain: {
      domainName: 'abdi.palembang.go.id',
      certificateArn: 'arn:aws:acm:ap-southeast-3:123456789012:certificate/00000000-0000-0000-0000-000000000000',
    },
  });
  app.synth();
  return { app, stack };
};

interface Acknowledgment {
  path: string;
  id: string;
  reason: string;
}

const acknowledgments = (root: IConstruct): Acknowledgment[] =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Each entry is `{ [qualified rule id]: reason }`, e.g. `Annotation::AwsSolutions-SMG4`.
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^\w+::/, ''), reason })),
  );

const stages = ['prod', 'dev'].map((stage) => ({ stage, ...build(stage) }));

describe('cdk-nag AwsSolutions', () => {
  for (const { stage, app } of stages) {
    it(`finds nothing unacknowledged in the ${stage} stack`, () => {
      const report = new AwsSolutionsChecks().validateScope(app);
      const findings = report.violations.flatMap((v) =>
        v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`),
      );
      expect(findings).toEqual([]);
    });
  }

  const { app, stack } = stages[0]!;
  const acks = acknowledgments(app).filter((a) => a.id.startsWith('AwsSolutions-'));

  it('acknowledges findings on the resources they concern, never for a whole stack or app', () => {
    expect(acks.length).toBeGreaterThan(0);
    expect(acks.filter((a) => a.path === stack.node.path || a.path === '')).toEqual([]);
    expect(acks.every((a) => a.path.startsWith(`${stack.node.path}/`))).toBe(true);
  });

  it('acknowledges wildcard permissions (IAM5) one finding at a time', () => {
    const iam5 = acks.filter((a) => a.id.startsWith('AwsSolutions-IAM5'));
    expect(iam5.length).toBeGreaterThan(0);
    for (const ack of iam5) expect(ack.id).toMatch(/^AwsSolutions-IAM5\[(Resource|Action)::.+\]$/);
  });

  it('gives a reason of at least a sentence for every acknowledgment', () => {
    for (const ack of acks) expect(ack.reason, `${ack.id} at ${ack.path}`).toMatch(/^[A-Z0-9`<].{30,}[.)]$/s);
  });

  it('keeps the list of acknowledgments as reviewed', () => {
    // Grouped by rule and reason, with where they are: construct paths without generated hashes, and the house
    // defaults every function role gets (AbdiFunction) as `*/Fn/ServiceRole`, so a new function changes nothing here
    // but a new public route or a new kind of acknowledgment does.
    const grouped = new Map<string, { id: string; reason: string; at: Set<string> }>();
    for (const ack of acks) {
      const id = ack.id.replace(/[0-9A-F]{8}(?=\.Arn)/, '*');
      const at = ack.path
        .replace(`${stack.node.path}/`, '')
        .replace(/^(?:[^/]+\/)*?[^/]+\/Fn\/ServiceRole$/, '*/Fn/ServiceRole');
      const entry = grouped.get(`${id}\n${ack.reason}`) ?? { id, reason: ack.reason, at: new Set<string>() };
      entry.at.add(at);
      grouped.set(`${id}\n${ack.reason}`, entry);
    }
    const list = [...grouped.values()]
      .map((g) => ({ ...g, at: [...g.at].sort() }))
      .sort((a, b) => `${a.id}${a.reason}`.localeCompare(`${b.id}${b.reason}`));
    expect(list).toMatchSnapshot();
  });
});

describe('what the template promises for privacy and abuse', () => {
  const template = Template.fromStack(stages[0]!.stack);

  it('logs API access by route key, never by path or query (paths carry link tokens)', () => {
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stages.length).toBeGreaterThan(0);
    for (const apiStage of stages) {
      const format = String(apiStage.Properties.AccessLogSettings.Format);
      expect(format).toContain('$context.routeKey');
      for (const leaky of ['$context.path', '$context.resourcePath', '$context.requestOverride', 'querystring']) {
        expect(format).not.toContain(leaky);
      }
    }
  });

  it('rate-limits every public route that writes, per client', () => {
    const unlimited = endpoints
      .filter((e) => e.table === 'RW')
      .flatMap((e) => e.routes)
      .filter((r) => r.auth === 'public' && r.method !== 'GET' && !r.rateLimit)
      .map((r) => `${r.method} ${r.path}`);
    expect(unlimited).toEqual([]);
  });
});
