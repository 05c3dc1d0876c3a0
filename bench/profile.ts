/**
 * Where a function's cold start goes: `npx tsx bench/profile.ts [--runs 10] [--function PlatformApi]`.
 *
 * 1. The bundle's composition: bytes in the output per package (esbuild's metafile, house options).
 * 2. An import ladder: bundles that add one part of the HTTP stack at a time to the floor (DynamoDB client + one
 *    GetItem), each measured as a cold start like `npm run bench` does, interleaved; a side branch shows what zod's
 *    classic API would cost in place of zod/mini (what the project builds its schemas with, `#shared/zod`); and the
 *    function itself, with and without source maps loaded at start.
 * Writes bench/results/tmp/profile.md (not committed) and prints it. Generated entries are plain .mjs, so neither
 * the type check nor Biome sees them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { HOUSE_BUNDLE } from '#infra/constructs/bundle';
import { startLocalCloud } from '#infra/local/cloud';
import { sandboxEnvironment } from '#infra/local/lambda/environment';
import { projectRoot } from '#infra/local/synth';
import { coldStart, type Sample } from './cold-start/bench.ts';
import { bytesOf, entryOfBundle } from './cold-start/build.ts';
import { firstEventFor } from './cold-start/events.ts';
import { machineLoad } from './lib/machine.ts';
import { prng, round, shuffle, summarize } from './lib/stats.ts';
import { surveyUnit } from './survey/payload.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string' }, function: { type: 'string' } },
});
const runs = Number(args.runs ?? 10);
const functionName = args.function ?? 'PlatformApi';
const dir = path.join(projectRoot, 'bench', 'results', 'tmp', 'profile');
mkdirSync(dir, { recursive: true });

const FLOOR = `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
const floor = async () => {
  await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { PK: { S: 'HEALTH' }, SK: { S: 'HEALTH' } } }));
  return { statusCode: 200, body: '{}' };
};`;

/** Cumulative steps: each adds imports (kept alive by exporting them) to the previous one. */
const LADDER: { name: string; imports: string[]; keep: string[] }[] = [
  { name: 'DynamoDB client + GetItem (the floor)', imports: [], keep: [] },
  {
    name: '+ @aws-sdk/lib-dynamodb',
    imports: ["import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';"],
    keep: ['DynamoDBDocumentClient.from(client)'],
  },
  { name: '+ @middy/core', imports: ["import middy from '@middy/core';"], keep: ['middy'] },
  {
    name: '+ Powertools logger (+ middleware)',
    imports: [
      "import { Logger } from '@aws-lambda-powertools/logger';",
      "import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';",
    ],
    keep: ['new Logger()', 'injectLambdaContext'],
  },
  {
    name: '+ Powertools metrics',
    imports: ["import { Metrics } from '@aws-lambda-powertools/metrics';"],
    keep: ['new Metrics()'],
  },
  {
    name: '+ zod/mini (#shared/zod)',
    imports: ["import * as z from '#shared/zod';"],
    keep: ['z.object({ a: z.optional(z.string().check(z.minLength(1))) })'],
  },
  {
    name: '+ the HTTP stack (#shared/http/route and what it imports)',
    imports: ["import { httpRoute } from '#shared/http/route';"],
    keep: ['httpRoute'],
  },
];

const entrySource = (steps: typeof LADDER) =>
  [
    ...steps.flatMap((s) => s.imports),
    FLOOR,
    `export const keep = [${steps.flatMap((s) => s.keep).join(', ')}];`,
    'export const handler = floor;',
  ].join('\n');

const bundle = async (name: string, entry: string) => {
  const outfile = path.join(dir, name, 'index.mjs');
  const result = await build({
    ...HOUSE_BUNDLE,
    absWorkingDir: projectRoot,
    entryPoints: { index: entry },
    outdir: path.dirname(outfile),
    metafile: true,
  });
  return { outfile, metafile: result.metafile };
};

const packageOf = (input: string) => {
  const i = input.lastIndexOf('node_modules/');
  if (i < 0) return '(project code)';
  const parts = input.slice(i + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
};

const main = async () => {
  const load = machineLoad();
  const cloud = await startLocalCloud({ seed: true, accessKeyId: 'bench' });
  try {
    const table = cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;
    const fn = cloud.system.functions.find((f) => f.logicalId.startsWith(functionName));
    if (!fn) throw new Error(`no function ${functionName}`);
    const entry = entryOfBundle(fn.assetDir);
    if (!entry) throw new Error(`cannot tell the entry of ${functionName} from its source map`);
    const env = sandboxEnvironment(fn, { region: 'ap-southeast-3', runtimeEnv: cloud.env, startedAt: Date.now() });
    const adminClaims = { sub: 'dev-admin', 'cognito:groups': ['admin'], token_use: 'access' };
    const event = firstEventFor(fn, {
      routes: cloud.system.routes,
      adminClaims,
      unit: await surveyUnit(cloud.dynamodb, table),
    });

    // The subjects: the ladder, the side branches, the function as it is and without the eager imports.
    const subjects: { name: string; bundle: string; bytes: number; samples: Sample[]; env?: Record<string, string> }[] =
      [];
    for (let i = 0; i < LADDER.length; i++) {
      const file = path.join(dir, `step-${i}.mjs`);
      writeFileSync(file, entrySource(LADDER.slice(0, i + 1)));
      const { outfile } = await bundle(`step-${i}`, file);
      subjects.push({ name: LADDER[i]!.name, bundle: outfile, bytes: bytesOf(outfile), samples: [] });
    }
    const classic = path.join(dir, 'step-zod-classic.mjs');
    writeFileSync(
      classic,
      entrySource([
        ...LADDER.slice(0, 5),
        {
          name: 'zod (classic API)',
          imports: ["import * as z from 'zod';"],
          keep: ['z.object({ a: z.string().min(1).optional() })'],
        },
      ]),
    );
    const classicZod = await bundle('step-zod-classic', classic);
    subjects.push({
      name: "(branch) zod's classic API in place of zod/mini",
      bundle: classicZod.outfile,
      bytes: bytesOf(classicZod.outfile),
      samples: [],
    });
    const whole = await bundle('function', path.join(projectRoot, entry));
    subjects.push({
      name: `${functionName} (${entry}), house options`,
      bundle: whole.outfile,
      bytes: bytesOf(whole.outfile),
      samples: [],
    });
    subjects.push({
      name: `${functionName} with --enable-source-maps`,
      bundle: whole.outfile,
      bytes: bytesOf(whole.outfile),
      samples: [],
      env: { ...env, NODE_OPTIONS: '--enable-source-maps' },
    });

    const random = prng(3);
    for (let r = 0; r <= runs; r++) {
      for (const s of shuffle(subjects, random)) {
        const sample = await coldStart({
          bundle: s.bundle,
          event: event.make(r),
          env: s.env ?? env,
          name: functionName,
        });
        if (r > 0) s.samples.push(sample);
      }
      process.stderr.write(`round ${r}/${runs}\n`);
    }

    // Composition of the function's bundle (entry file and chunks) by package.
    const byPackage = new Map<string, number>();
    for (const output of Object.values(whole.metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      }
    }
    const total = [...byPackage.values()].reduce((a, b) => a + b, 0);

    const floorMedian = summarize(subjects[0]!.samples.map((s) => s.wallMs)).median;
    const floorCpu = summarize(subjects[0]!.samples.map((s) => s.cpuMs)).median;
    const lines = [
      `# Cold-start profile of ${functionName}`,
      '',
      `Load: \`${load.uptime}\`; ${runs} runs per bundle, interleaved; medians; ratios to the floor (first row).`,
      '',
      '| Bundle | KB | Wall | Import | First event | Ratio | CPU | CPU ratio |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...subjects.map((s) => {
        const wall = summarize(s.samples.map((x) => x.wallMs)).median;
        const imp = summarize(s.samples.map((x) => x.importMs)).median;
        const first = summarize(s.samples.map((x) => x.firstEventMs)).median;
        const cpu = summarize(s.samples.map((x) => x.cpuMs)).median;
        return (
          `| ${s.name} | ${Math.round(s.bytes / 1024)} | ${round(wall)} ms | ${round(imp)} ms | ${round(first)} ms | ` +
          `${(wall / floorMedian).toFixed(2)}× | ${round(cpu)} ms | ${(cpu / floorCpu).toFixed(2)}× |`
        );
      }),
      '',
      `## ${entry}: bytes in the minified bundle by package (${Math.round(total / 1024)} KB)`,
      '',
      '| Package | KB | Share |',
      '| --- | --- | --- |',
      ...[...byPackage]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([name, bytes]) => `| ${name} | ${Math.round(bytes / 1024)} | ${Math.round((bytes / total) * 100)}% |`),
    ];
    const text = `${lines.join('\n')}\n`;
    writeFileSync(path.join(dir, '..', 'profile.md'), text);
    console.log(text);
  } finally {
    await cloud.stop();
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
