import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { bundleEntry } from '#infra/constructs/bundle';

/** The bundling choices the issue asks to compare (each as a change to the house bundling, infra/constructs/bundle.ts). */
export const VARIANTS = {
  /** What deploys: the synthesized bundle itself (for the floor: built the house way). */
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
  /** One file, as before the bundles were split at dynamic imports: every route's code parsed at start. */
  'one-file': { splitting: false },
} satisfies Record<string, BuildOptions>;
export type Variant = keyof typeof VARIANTS;

/** Builds `entry` (relative to the project root) into `outDir/index.mjs` (and its chunks) the house way, with a variant. */
export const buildBundle = async (entry: string, outDir: string, variant: Variant): Promise<string> => {
  bundleEntry(entry, outDir, VARIANTS[variant]);
  return path.join(outDir, 'index.mjs');
};

/** Bytes of the code a bundle ships: its entry file and every chunk beside it (maps excluded). */
export const bytesOf = (bundle: string): number =>
  readdirSync(path.dirname(bundle), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.mjs'))
    .reduce((sum, file) => sum + statSync(path.join(path.dirname(bundle), file)).size, 0);

/**
 * The entry file of a synthesized bundle, relative to the project root (e.g. `functions/workflow/advance.ts`): the one
 * source under `functions/` the entry file's map lists (routes and other lazily loaded modules are in chunks with
 * maps of their own). The template does not name entries; HTTP functions take theirs from the catalogue.
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
