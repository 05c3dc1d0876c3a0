import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import { DockerImage } from 'aws-cdk-lib';
import { type BuildOptions, buildSync } from 'esbuild';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * How every function is bundled (the one list: the functions, the bench and the tests build with it):
 * - ESM for Node 24, resolved module-first (no `createRequire` banner needed), minified;
 * - split at dynamic imports: a route (`shared/http/router.ts`), a rarely used SDK client or a library's optional
 *   part lands in a chunk of its own that Node reads, parses and runs only when it is first imported. A cold start
 *   then pays for the code its first event needs, not for every route of the function (docs/performance.md measures
 *   it: 0.2-0.4x of the floor);
 * - source maps beside each file, with mappings only, not loaded at start (`--enable-source-maps` cost up to 0.23x
 *   of the floor): a logged error's stack is mapped when it is logged (shared/stack-map.ts);
 * - the AWS SDK bundled: the deployed code runs the exact client versions the tests ran.
 */
export const HOUSE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** Bundles `entry` (relative to the project root) into `outdir/index.mjs` and its chunks. */
export const bundleEntry = (entry: string, outdir: string, overrides: BuildOptions = {}): void => {
  buildSync({
    ...HOUSE_BUNDLE,
    ...overrides,
    absWorkingDir: projectRoot,
    entryPoints: { index: path.join(projectRoot, entry) },
    outdir,
  });
};

/**
 * CDK's local bundling step for one entry: esbuild in-process, no Docker. The entry is a field, not only a closure:
 * CDK caches bundling by the JSON of its options, and two functions must not share one bundle.
 */
class LocalEsbuild implements ILocalBundling {
  constructor(readonly entry: string) {}

  tryBundle(outputDir: string): boolean {
    // A build error throws (and fails the synth with esbuild's message) rather than falling back to Docker.
    bundleEntry(this.entry, outputDir);
    return true;
  }
}

/** Asset bundling options for a function's entry. */
export const functionBundling = (entry: string): BundlingOptions => ({
  // Never pulled: local bundling always answers (CDK requires an image to fall back on).
  image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
  local: new LocalEsbuild(entry),
});
