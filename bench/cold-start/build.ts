import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { projectRoot } from '#infra/local/synth';

/**
 * esbuild options of the house NodejsFunction defaults (infra/constructs/function.ts), as CDK passes them to esbuild:
 * an ESM bundle for Node 24, resolved module-first, minified, with an external source map of mappings only and the
 * SDK bundled.
 */
export const HOUSE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
};

/** The bundling choices the issue asks to compare (each as a change to the house options). */
export const VARIANTS = {
  /** What deploys: the synthesized bundle itself (for the floor: built with HOUSE_OPTIONS). */
  house: {},
  /** The SDK left to the runtime: `@aws-sdk/*` external, resolved from node_modules as Lambda provides it. */
  'sdk-external': { external: ['@aws-sdk/*'] },
  /** What deployed before: maps with the sources inside, loaded at start (the runner adds `--enable-source-maps`). */
  'source-maps-at-start': { sourcesContent: true },
  /** esbuild's default resolution for Node (main first: the CommonJS builds) with the `createRequire` banner. */
  'main-first-banner': {
    mainFields: ['main', 'module'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  },
} satisfies Record<string, BuildOptions>;
export type Variant = keyof typeof VARIANTS;

/** Builds `entry` (relative to the project root) into `outDir/index.mjs` with the house options and a variant. */
export const buildBundle = async (entry: string, outDir: string, variant: Variant): Promise<string> => {
  const outfile = path.join(outDir, 'index.mjs');
  await build({
    ...HOUSE_OPTIONS,
    ...VARIANTS[variant],
    absWorkingDir: projectRoot,
    entryPoints: [path.join(projectRoot, entry)],
    outfile,
  });
  return outfile;
};

export const bytesOf = (file: string): number => statSync(file).size;

/**
 * The entry file of a synthesized bundle, relative to the project root (e.g. `functions/workflow/advance.ts`): the one
 * source under `functions/` its source map lists. The template does not name entries; HTTP functions, whose maps
 * list every route's file, take theirs from the catalogue.
 */
export const entryOfBundle = (assetDir: string): string | undefined => {
  try {
    const map = JSON.parse(readFileSync(path.join(assetDir, 'index.mjs.map'), 'utf8')) as { sources?: string[] };
    const entries = (map.sources ?? [])
      .filter((s) => !s.includes('node_modules'))
      .map((s) => /(?:^|\/)(functions\/.+\.[cm]?[jt]s)$/.exec(s)?.[1])
      .filter((s): s is string => s !== undefined);
    return entries.length === 1 ? entries[0] : undefined;
  } catch {
    return undefined;
  }
};
