import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

// Functions run without `--enable-source-maps`: Node would read and parse each bundle's map at every cold start
// (0.07-0.23x of the floor, docs/performance.md). Stack traces are mapped here instead, when an error is logged:
// the map (esbuild's `index.mjs.map` beside the bundle) is read once, on the first error of a sandbox.
let bundleMap: { file: string; map: SourceMap } | null | undefined;

const loadMap = (): typeof bundleMap => {
  if (bundleMap !== undefined) return bundleMap;
  bundleMap = null;
  try {
    // In a bundle this module's URL is the bundle's; run from sources (tests, tsx) there is no map to read.
    const file = fileURLToPath(import.meta.url);
    if (file.endsWith('.mjs') || file.endsWith('.js')) {
      bundleMap = { file, map: new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) };
    }
  } catch {
    // No map shipped: stack traces stay as they are.
  }
  return bundleMap;
};

/** The path a source map names, without the build's relative climb (`../../shared/x.ts` -> `shared/x.ts`). */
const sourceName = (source: string): string =>
  source
    .replace(/^(?:\.\.\/|\.\/)+/, '')
    .replace(/^.*?node_modules\//, 'node_modules/')
    .replace(/^.*?\/(shared|functions|infra|test)\//, '$1/');

/** `stack` with each frame in the bundle replaced by its source file, line and column. */
export const mapStack = (stack: string): string => {
  const loaded = loadMap();
  if (!loaded) return stack;
  const { file, map } = loaded;
  const url = `file://${file}`;
  return stack.replace(/(file:\/\/\/[^\s()]+|\/[^\s():]+):(\d+):(\d+)/g, (frame, path: string, line, column) => {
    if (path !== file && path !== url) return frame;
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (!entry.originalSource) return frame;
    return `${sourceName(entry.originalSource)}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
  });
};

/** A copy of `error` (and its causes) whose stack is mapped; the error itself is left as it is. */
export const withMappedStack = <E extends Error>(error: E): E => {
  if (!loadMap()) return error;
  const copy = Object.create(Object.getPrototypeOf(error)) as E;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  // V8's `stack` is an accessor bound to the original error: the copy gets a plain value.
  const data = (value: unknown) => ({ value, writable: true, configurable: true, enumerable: false });
  if (typeof error.stack === 'string') Object.defineProperty(copy, 'stack', data(mapStack(error.stack)));
  if (error.cause instanceof Error) Object.defineProperty(copy, 'cause', data(withMappedStack(error.cause)));
  return copy;
};
