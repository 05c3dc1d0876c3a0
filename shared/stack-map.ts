import { readFileSync } from 'node:fs';
import type { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Functions run without `--enable-source-maps`: Node would read and parse the maps at every cold start (0.07-0.23x
// of the floor, docs/performance.md). Stack traces are mapped here instead, when an error is logged: each file of the
// bundle (`index.mjs` and its chunks) has its map beside it, read on the first error that passes through that file.
const maps = new Map<string, SourceMap | null>();

// The bundle's directory: frames in files below it are mapped. Run from sources (tests, tsx) there is none.
const bundleDir = (() => {
  const file = fileURLToPath(import.meta.url);
  if (!file.endsWith('.mjs') && !file.endsWith('.js')) return undefined;
  const dir = path.dirname(file);
  return path.basename(dir) === 'chunks' ? path.dirname(dir) : dir;
})();

const mapOf = (file: string): SourceMap | null => {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      // node:module is loaded here, on the first error, not at every cold start.
      const { SourceMap: Decoder } = process.getBuiltinModule('node:module');
      map = new Decoder(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      // No map shipped: the frame stays as it is.
      map = null;
    }
    maps.set(file, map);
  }
  return map;
};

/** The path a source map names, without the build's relative climb (`../../shared/x.ts` -> `shared/x.ts`). */
const sourceName = (source: string): string =>
  source
    .replace(/^(?:\.\.\/|\.\/)+/, '')
    .replace(/^.*?node_modules\//, 'node_modules/')
    .replace(/^.*?\/(shared|functions|infra|test)\//, '$1/');

/** `stack` with each frame in the bundle replaced by its source file, line and column. */
export const mapStack = (stack: string): string => {
  if (!bundleDir) return stack;
  return stack.replace(/(file:\/\/\/[^\s()]+|\/[^\s():]+):(\d+):(\d+)/g, (frame, location: string, line, column) => {
    const file = location.startsWith('file://') ? fileURLToPath(location) : location;
    if (!file.startsWith(`${bundleDir}${path.sep}`)) return frame;
    const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (!entry?.originalSource) return frame;
    return `${sourceName(entry.originalSource)}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
  });
};

/** A copy of `error` (and its causes) whose stack is mapped; the error itself is left as it is. */
export const withMappedStack = <E extends Error>(error: E): E => {
  if (!bundleDir) return error;
  const copy = Object.create(Object.getPrototypeOf(error)) as E;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  // V8's `stack` is an accessor bound to the original error: the copy gets a plain value.
  const data = (value: unknown) => ({ value, writable: true, configurable: true, enumerable: false });
  if (typeof error.stack === 'string') Object.defineProperty(copy, 'stack', data(mapStack(error.stack)));
  if (error.cause instanceof Error) Object.defineProperty(copy, 'cause', data(withMappedStack(error.cause)));
  return copy;
};
