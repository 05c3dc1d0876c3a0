import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleEntry } from '#infra/constructs/bundle';

const dir = mkdtempSync(path.join(tmpdir(), 'abdi-stack-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bundles the fixture as functions are (the house bundling), runs it without source-map support. */
const logOfBundledError = async (withMap: boolean): Promise<{ stack: string; location: string }> => {
  const outdir = path.join(dir, withMap ? 'mapped' : 'bare');
  bundleEntry('test/fixtures/stack-map/entry.ts', outdir, { sourcemap: withMap });
  const outfile = path.join(outdir, 'index.mjs');
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
    // The throw, in a chunk, and the call, in the entry file.
    expect(stack).toMatch(/test\/fixtures\/stack-map\/store\.ts:7:\d+/);
    expect(stack).toMatch(/test\/fixtures\/stack-map\/entry\.ts:8:\d+/);
    expect(location).toMatch(/test\/fixtures\/stack-map\/store\.ts:7/);
  });

  it('logs the bundle positions as they are when no map was shipped', async () => {
    const { stack } = await logOfBundledError(false);
    expect(stack).toMatch(/chunks\/store-\w+\.mjs:\d+:\d+/);
    expect(stack).toMatch(/index\.mjs:\d+:\d+/);
    expect(stack).not.toContain('.ts:');
  });
});
