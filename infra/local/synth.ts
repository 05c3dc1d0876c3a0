import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface SynthOptions {
  /** CDK app entry, relative to the project root. @default infra/app.ts (the app cdk.json names) */
  app?: string;
  /** Extra context, merged over cdk.json's. @default { stage: 'dev' } */
  context?: Record<string, unknown>;
  /** Where assemblies are cached. @default <project>/.local/synth */
  cacheDir?: string;
}

export interface Assembly {
  dir: string;
  /** Stack names in the assembly. */
  stacks: string[];
  /** True when a cached assembly of the same sources was reused. */
  cached: boolean;
}

// Everything a synthesized assembly depends on: app and construct code, handler code (bundled), the lock file.
const SOURCE_DIRS = ['infra', 'functions', 'shared'];
const SOURCE_FILES = ['package-lock.json', 'cdk.json', 'tsconfig.json'];

const listFiles = (dir: string): string[] => {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(full);
    return [full];
  });
};

const sourceHash = (app: string, context: Record<string, unknown>): string => {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ app, context }));
  const files = [
    ...SOURCE_DIRS.flatMap((dir) => listFiles(path.join(projectRoot, dir))),
    ...SOURCE_FILES.map((file) => path.join(projectRoot, file)),
    path.join(projectRoot, app),
  ]
    .filter((file) => existsSync(file) && !file.includes(`${path.sep}infra${path.sep}local${path.sep}`))
    .sort();
  for (const file of files) {
    hash.update(path.relative(projectRoot, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
};

const run = (command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`cdk synth failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });

/**
 * Synthesizes the CDK app with bundling, as `cdk synth` does (the app gets cdk.json's context through
 * CDK_CONTEXT_JSON and writes to CDK_OUTDIR), into a folder keyed by a hash of the sources, so unchanged sources
 * reuse the last assembly. Concurrent callers each synthesize into a temporary folder and rename it into place.
 */
export const synthesize = async (options: SynthOptions = {}): Promise<Assembly> => {
  const cdkJson = JSON.parse(readFileSync(path.join(projectRoot, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const app = options.app ?? 'infra/app.ts';
  // The CLI adds these two by default; the runtime needs the asset metadata to find each function's bundle.
  const context = {
    'aws:cdk:enable-path-metadata': true,
    'aws:cdk:enable-asset-metadata': true,
    ...cdkJson.context,
    stage: 'dev',
    ...options.context,
  };
  const cacheDir = options.cacheDir ?? path.join(projectRoot, '.local', 'synth');
  const dir = path.join(cacheDir, sourceHash(app, context));
  const manifest = path.join(dir, 'manifest.json');
  let cached = true;
  if (!existsSync(manifest)) {
    cached = false;
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await run(process.execPath, [path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), app], {
      ...process.env,
      CDK_OUTDIR: tmp,
      CDK_CONTEXT_JSON: JSON.stringify(context),
    });
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another process finished the same synthesis first: use theirs.
      if (!existsSync(manifest)) throw error;
      rmSync(tmp, { recursive: true, force: true });
    }
    pruneCache(cacheDir, 6);
  }
  const stacks = readdirSync(dir)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => file.replace(/\.template\.json$/, ''));
  return { dir, stacks, cached };
};

/** Keeps the newest `keep` assemblies. */
const pruneCache = (cacheDir: string, keep: number): void => {
  const entries = readdirSync(cacheDir)
    .filter((name) => !name.includes('.tmp-'))
    .map((name) => ({ name, mtime: statSync(path.join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const entry of entries.slice(keep)) rmSync(path.join(cacheDir, entry.name), { recursive: true, force: true });
};
