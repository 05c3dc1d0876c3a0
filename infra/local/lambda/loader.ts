import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RuntimeFailure } from './errors.ts';

/** A handler as nodejs24.x accepts it: `(event, context)`, returning a value or a promise. */
export type Handler = (event: unknown, context: object) => unknown;

const require = createRequire(import.meta.url);

const CALLBACK_HANDLER_REMOVED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

/**
 * Imports the function's module and finds its handler the way the runtime interface client does
 * (src/function/*.ts): `dir/module.export.path` relative to the task root, trying no extension, `.js`, `.mjs`,
 * `.cjs`, then `require.resolve`; init failures carry the runtime's `Runtime.*` error names.
 */
export const loadHandler = async (taskRoot: string, handlerString: string): Promise<Handler> => {
  if (handlerString.includes('..')) {
    throw new RuntimeFailure(
      'MalformedHandlerName',
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = path.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.indexOf(base)).replace(/\/$/, '');
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (!match) throw new RuntimeFailure('MalformedHandlerName', 'Bad handler');
  const [, moduleName = '', exportPath = ''] = match;

  const module = await importModule(taskRoot, moduleRoot, moduleName);
  const handler = findExport(module, exportPath) || findExport(defaultExport(module), exportPath);
  if (!handler) {
    throw new RuntimeFailure('HandlerNotFound', `${handlerString} is undefined or not exported`);
  }
  if (typeof handler !== 'function') throw new RuntimeFailure('HandlerNotFound', `${handlerString} is not a function`);
  if (handler.length >= 3) throw new RuntimeFailure('CallbackHandlerDeprecated', CALLBACK_HANDLER_REMOVED);
  return handler as Handler;
};

const importModule = async (taskRoot: string, moduleRoot: string, moduleName: string): Promise<unknown> => {
  const fullPathWithoutExtension = path.resolve(taskRoot, moduleRoot, moduleName);
  try {
    for (const extension of ['', '.js', '.mjs', '.cjs']) {
      const file = fullPathWithoutExtension + extension;
      if (existsSync(file)) return await import(pathToFileURL(file).href);
    }
    return require(require.resolve(moduleName, { paths: [taskRoot, path.join(taskRoot, moduleRoot)] }));
  } catch (error) {
    if (error instanceof SyntaxError) throw new RuntimeFailure('UserCodeSyntaxError', String(error), error.stack);
    if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new RuntimeFailure('ImportModuleError', String(error));
    }
    throw error;
  }
};

const findExport = (module: unknown, exportPath: string): unknown =>
  exportPath
    .split('.')
    .reduce<unknown>(
      (nested, key) => (nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[key] : undefined),
      module,
    );

const defaultExport = (module: unknown): unknown =>
  module && typeof module === 'object' && 'default' in module ? module.default : undefined;
