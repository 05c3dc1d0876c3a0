import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '#infra/local/synth';
import { HOUSE_OPTIONS } from '../../bench/cold-start/build.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'abdi-stack-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles the fixture as functions are (the bench's copy of the house options), runs it without source-map support. */
const logOfBundledError = async (withMap: boolean): Promise<{ stack: string; location: string }> => {
  const outfile = path.join(dir, withMap ? 'mapped' : 'bare', 'index.mjs');
  await build({
    ...HOUSE_OPTIONS,
    sourcemap: withMap,
    absWorkingDir: projectRoot,
    entryPoints: [path.join(projectRoot, 'test/fixtures/stack-map/entry.ts')],
    outfile,
  });
  // Powertools writes errors to stderr.
  const { stderr } = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `await (await import(${JSON.stringify(outfile)})).handler()`],
    { env: { PATH: process.env.PATH, POWERTOOLS_SERVICE_NAME: 'abdi', NODE_OPTIONS: '' }, encoding: 'utf8' },
  );
  const line = JSON.parse(stderr.trim().split('\n').at(-1)!) as { error: { stack: string; location: string } };
  return line.error;
};

describe('stack traces of a deployed bundle', () => {
  it('logs an error at its source file and line although Node runs without --enable-source-maps', async () => {
    const { stack, location } = await logOfBundledError(true);
    expect(stack).toContain('the registration could not be stored');
    expect(stack).toMatch(/test\/fixtures\/stack-map\/entry\.ts:5:\d+/);
    expect(location).toMatch(/test\/fixtures\/stack-map\/entry\.ts:5/);
  });

  it('logs the bundle positions as they are when no map was shipped', async () => {
    const { stack } = await logOfBundledError(false);
    expect(stack).toMatch(/index\.mjs:\d+:\d+/);
    expect(stack).not.toContain('entry.ts');
  });
});
