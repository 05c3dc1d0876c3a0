import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalCloud } from '#infra/local/cloud';
import { sandboxEnvironment } from '#infra/local/lambda/environment';
import type { FunctionSpec } from '#infra/local/types';
import { endpoints } from '#shared/http/catalogue';
import { prng, round, type Summary, shuffle, summarize } from '../lib/stats.ts';
import type { SurveyUnit } from '../survey/payload.ts';
import { buildBundle, bytesOf, entryOfBundle, type Variant } from './build.ts';
import { type FirstEvent, firstEventFor } from './events.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNNER = path.join(here, 'runner.mjs');
const FLOOR_ENTRY = 'bench/cold-start/floor.ts';
const CHILD_TIMEOUT_MS = 20_000;

/** The budget of issue 8: every function's cold start at most 1.3 times the floor's (medians). */
export const COLD_START_BUDGET = 1.3;

/** How a subject runs: a bundle variant, or the house bundle with Node's source-map support off. */
export type RunVariant = Variant;

interface Subject {
  name: string;
  kind: 'function' | 'floor';
  variant: RunVariant;
  bundle: string;
  bytes: number;
  env: Record<string, string>;
  event: FirstEvent;
  entry?: string;
  samples: Sample[];
  errors: string[];
}

export interface ColdStartRow {
  name: string;
  kind: 'function' | 'floor';
  variant: RunVariant;
  entry?: string;
  event: string;
  bundleBytes: number;
  wall: Summary;
  /** Medians of the parts, from inside the child: Node's boot, importing the bundle, answering the first event. */
  parts: { bootMs: number; importMs: number; firstEventMs: number };
  /** CPU time of the process until it answered (median), and its ratio to the floor's: a check on the wall-time
   * ratio that other work on the machine disturbs less. */
  cpu: { medianMs: number; ratio: number };
  statusCodes: (number | null)[];
  errors: string[];
  /** Median wall time over the floor's (house floor), and whether it is within the budget (house rows only). */
  ratio: number;
  pass?: boolean;
}

export interface ColdStartResult {
  runs: number;
  budget: number;
  floor: ColdStartRow;
  functions: ColdStartRow[];
  variants: ColdStartRow[];
  pass: boolean;
}

export interface ColdStartOptions {
  cloud: LocalCloud;
  unit: SurveyUnit;
  workDir: string;
  /** Measured runs per subject (one unmeasured run first). */
  runs: number;
  /** Functions (logical id prefix match, regex) to measure; all by default. */
  only?: RegExp;
  /** Functions whose bundling variants are measured as well (logical id prefixes). */
  variantFunctions: string[];
  log: (line: string) => void;
}

/** One fresh Node process on a bundle: what it reports once it answered its first event, and the wall time. */
export interface Sample {
  wallMs: number;
  bootMs: number;
  importMs: number;
  firstEventMs: number;
  /** CPU time (user + system, all threads) of the process until it answered. */
  cpuMs: number;
  statusCode?: number;
}

/**
 * Spawns a fresh Node (this one's binary: Node 24 under npm scripts) that imports `bundle` and answers `event`;
 * resolves when the answer is reported (wall time from spawn), rejects when the handler threw or the process died.
 */
export const coldStart = (options: {
  bundle: string;
  event: unknown;
  env: Record<string, string>;
  name: string;
  nodeArgs?: string[];
}): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), RUNNER, options.bundle, JSON.stringify(options.event), options.name],
      { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let answered = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (answered) return;
      const match = /@@bench (\{.*\})\n/.exec(output);
      if (!match) return;
      answered = true;
      const wallMs = performance.now() - started;
      const report = JSON.parse(match[1]!) as Omit<Sample, 'wallMs'> & { status: string };
      if (report.status !== 'ok') reject(new Error(report.status));
      else resolve({ ...report, wallMs });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!answered) reject(new Error(`exited (${signal ?? code}) without answering: ${output.slice(-600)}`));
    });
  });

const medianOf = (samples: Sample[], part: keyof Omit<Sample, 'statusCode'>) => summarize(samples.map((s) => s[part]));

const rowOf = (subject: Subject, floor: Subject, budgeted: boolean): ColdStartRow => {
  const wall = summarize(subject.samples.map((s) => s.wallMs));
  const ratio = wall.median / summarize(floor.samples.map((s) => s.wallMs)).median;
  const cpu = medianOf(subject.samples, 'cpuMs').median;
  return {
    name: subject.name,
    kind: subject.kind,
    variant: subject.variant,
    ...(subject.entry ? { entry: subject.entry } : {}),
    event: subject.event.label,
    bundleBytes: subject.bytes,
    wall,
    parts: {
      bootMs: round(medianOf(subject.samples, 'bootMs').median),
      importMs: round(medianOf(subject.samples, 'importMs').median),
      firstEventMs: round(medianOf(subject.samples, 'firstEventMs').median),
    },
    cpu: { medianMs: round(cpu), ratio: cpu / medianOf(floor.samples, 'cpuMs').median },
    statusCodes: [...new Set(subject.samples.map((s) => s.statusCode ?? null))],
    errors: [...new Set(subject.errors)].slice(0, 3),
    ratio,
    ...(budgeted ? { pass: subject.samples.length > 0 && ratio <= COLD_START_BUDGET } : {}),
  };
};

/** A function's entry file: the catalogue's for an HTTP function (logical id `<Capability>ApiFn<hash>`), else its map's. */
const entryOf = (fn: FunctionSpec): { entry?: string } => {
  const entry = endpoints.find((e) => shortName(fn) === e.id)?.entry ?? entryOfBundle(fn.assetDir);
  return entry ? { entry } : {};
};

/** A Lambda function name for log lines and context, short of the stack prefix. */
const shortName = (fn: FunctionSpec) => fn.logicalId.replace(/Fn[0-9A-F]{8}$/, '');

/**
 * Cold start per function: for every function of the synthesized app, a fresh Node 24 process imports its bundle
 * (the real one from the assembly) and answers its first event, with the function's environment from the template
 * and the local endpoints. The floor: the same for a bundle of only the DynamoDB client doing one GetItem. Subjects
 * are measured in rounds, shuffled within a round, with the floor re-measured every few subjects, so that load
 * drifting on a shared machine lands on functions and floor alike.
 */
export const runColdStarts = async (options: ColdStartOptions): Promise<ColdStartResult> => {
  const { cloud, log } = options;
  const environment = (fn: FunctionSpec, name = fn.functionName) =>
    sandboxEnvironment(
      { ...fn, functionName: name },
      { region: 'ap-southeast-3', runtimeEnv: cloud.env, startedAt: Date.now() },
    );
  const adminClaims = JSON.parse(
    Buffer.from(
      (await cloud.token({ sub: 'dev-admin', username: 'dev-admin', groups: ['admin'] })).split('.')[1]!,
      'base64url',
    ).toString(),
  ) as Record<string, unknown>;
  const eventContext = { routes: cloud.system.routes, adminClaims, unit: options.unit };

  const functions = cloud.system.functions.filter((fn) => !options.only || options.only.test(fn.logicalId));
  const health = cloud.system.functions.find((fn) => fn.logicalId.startsWith('PlatformApi'));
  if (!health) throw new Error('the template has no PlatformApi function: the floor borrows its environment');

  rmSync(options.workDir, { recursive: true, force: true });
  const subjects: Subject[] = [];
  const subject = (s: Omit<Subject, 'samples' | 'errors'>): Subject => {
    const made = { ...s, samples: [], errors: [] };
    subjects.push(made);
    return made;
  };
  // Functions deploy without `--enable-source-maps`; the variant that loads maps at start gets it back.
  const withSourceMaps = (env: Record<string, string>) => ({
    ...env,
    NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --enable-source-maps`.trim(),
  });

  // The floor, in each variant: it gets the environment of GET /health (table name, NODE_OPTIONS, Powertools).
  const floorEnv = environment(health, 'bench-floor');
  const floorEvent = firstEventFor(health, eventContext);
  const floorBundle = (variant: Variant) =>
    buildBundle(FLOOR_ENTRY, path.join(options.workDir, `floor-${variant}`), variant);
  const floorHouse = await floorBundle('house');
  const floor = subject({
    name: 'floor',
    kind: 'floor',
    variant: 'house',
    bundle: floorHouse,
    bytes: bytesOf(floorHouse),
    env: floorEnv,
    event: floorEvent,
  });

  for (const fn of functions) {
    const bundle = path.join(fn.assetDir, 'index.mjs');
    subject({
      name: shortName(fn),
      kind: 'function',
      variant: 'house',
      bundle,
      bytes: bytesOf(bundle),
      env: environment(fn),
      event: firstEventFor(fn, eventContext),
      ...entryOf(fn),
    });
  }

  // Variants: the floor and a few functions, each rebuilt from its entry with one bundling choice changed.
  const variantSubjects: Subject[] = [];
  const addVariants = async (name: string, kind: Subject['kind'], entry: string | undefined, base: Subject) => {
    if (entry) {
      for (const variant of ['one-file', 'sdk-external', 'main-first-banner', 'source-maps-at-start'] as const) {
        const bundle = await buildBundle(entry, path.join(options.workDir, `${name}-${variant}`), variant);
        const env = variant === 'source-maps-at-start' ? withSourceMaps(base.env) : base.env;
        variantSubjects.push(
          subject({ name, kind, variant, bundle, bytes: bytesOf(bundle), env, event: base.event, entry }),
        );
      }
    }
  };
  await addVariants('floor', 'floor', FLOOR_ENTRY, floor);
  for (const prefix of options.variantFunctions) {
    const base = subjects.find((s) => s.kind === 'function' && s.name === prefix);
    if (base) await addVariants(base.name, 'function', base.entry, base);
  }

  const others = subjects.filter((s) => s !== floor);
  const random = prng(8);
  const total = (options.runs + 1) * (others.length + Math.ceil(others.length / 8) + 1);
  let done = 0;
  let lastLog = Date.now();
  for (let round = 0; round <= options.runs; round++) {
    // Round 0 is not measured: it brings every bundle into the page cache.
    const order: Subject[] = [];
    shuffle(others, random).forEach((s, i) => {
      if (i % 8 === 0) order.push(floor);
      order.push(s);
    });
    order.push(floor);
    for (const s of order) {
      try {
        const sample = await coldStart({
          bundle: s.bundle,
          event: s.event.make(round * 1000 + done),
          env: s.env,
          name: s.name,
        });
        if (round > 0) s.samples.push(sample);
      } catch (error) {
        s.errors.push((error as Error).message.slice(0, 300));
      }
      done++;
      if (Date.now() - lastLog > 15_000) {
        log(`  cold starts: ${done}/${total} processes`);
        lastLog = Date.now();
      }
    }
  }

  const functionRows = subjects
    .filter((s) => s.kind === 'function' && s.variant === 'house')
    .map((s) => rowOf(s, floor, true));
  return {
    runs: options.runs,
    budget: COLD_START_BUDGET,
    floor: rowOf(floor, floor, false),
    functions: functionRows,
    variants: variantSubjects.map((s) => rowOf(s, floor, false)),
    pass: functionRows.length > 0 && functionRows.every((r) => r.pass),
  };
};
