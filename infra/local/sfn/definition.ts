import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/**
 * Turns an ASL definition into what the emulator runs on `aws-local-stepfunctions`: the library keeps interpreting
 * JSONPath, intrinsics, Choice, Pass, Fail, Retry and Catch, while every state that waits or calls out becomes a
 * Task served by the emulator's local handlers. Wait states sleep on the virtual clock, Lambda tasks go through the
 * Invoker, callback tasks mint a token per attempt, and Parallel/Map run each branch or item as its own library run
 * so a failed sibling can cancel them synchronously (the library's own Parallel/Map abort gives no hook for that).
 */

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
const TASK_TOKEN_PATH = '$$.Task.Token';
/** Resource of the Task states that replace Wait, Parallel and Map; always served by a local handler. */
const LOCAL_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:abdi-sfn-local';
/** Name of the only state of a Map's stand-in item processor. */
export const MAP_ITEM_STATE = 'Item';

/**
 * The library applies its own timer (default 60 s, AWS has none) to every Task. Each converted Task gets the largest
 * value setTimeout holds (~24.8 days of real time) and the real TimeoutSeconds is enforced on the virtual clock.
 */
const LIBRARY_TIMEOUT_BACKSTOP_SECONDS = 2_147_483;

/** One retrier of a state's `Retry` field. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/** A state the emulator serves itself, by what it does. */
export type CompiledState =
  | {
      kind: 'lambda';
      name: string;
      /** `invoke` = `arn:aws:states:::lambda:invoke` (Parameters FunctionName/Payload); otherwise a function ARN. */
      target: 'invoke' | { functionArn: string };
      timeoutSeconds?: number;
      retry: Retrier[];
    }
  | { kind: 'callback'; name: string; timeoutSeconds?: number; retry: Retrier[] }
  | {
      kind: 'wait';
      name: string;
      seconds?: number;
      timestamp?: string;
      /** For SecondsPath/TimestampPath: a one-state machine whose Pass resolves the path to `{ value }`. */
      path?: { type: 'seconds' | 'timestamp'; resolver: StateMachine };
      retry: Retrier[];
    }
  | { kind: 'parallel'; name: string; branches: CompiledLevel[]; retry: Retrier[] }
  | {
      kind: 'map';
      name: string;
      /** The library's own Map over a single stand-in Task: it evaluates ItemsPath, ItemSelector and MaxConcurrency. */
      fanOut: StateMachine;
      items: CompiledLevel;
      retry: Retrier[];
    };

/** One state list (the top level, a Parallel branch or a Map item processor) ready to run as a library run. */
export interface CompiledLevel {
  machine: StateMachine;
  states: Map<string, CompiledState>;
  /** Retry waits are taken by the handlers on the virtual clock: the library's own pause is set to 0 ms. */
  retryPauseOverrides: Record<string, number>;
}

export interface CompiledMachine {
  root: CompiledLevel;
  /** Top-level TimeoutSeconds, enforced by the emulator on the virtual clock. */
  timeoutSeconds?: number;
}

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

const pick = (state: Obj, keys: string[]): Obj => {
  const out: Obj = {};
  // Presence matters: the library tests `'ResultPath' in state`, and `ResultPath: null` means "discard".
  for (const key of keys) if (key in state) out[key] = state[key];
  return out;
};

const libraryMachine = (definition: Obj) =>
  new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });

const statesOf = (level: Obj): [string, Obj][] =>
  isObj(level.States) ? Object.entries(level.States).map(([name, state]) => [name, isObj(state) ? state : {}]) : [];

const nestedLevels = (state: Obj): Obj[] => {
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) return state.Branches.filter(isObj);
  if (state.Type === 'Map') {
    const processor = state.ItemProcessor ?? state.Iterator;
    return isObj(processor) ? [processor] : [];
  }
  return [];
};

/** Fields of a state that are not nested state lists (those are checked on their own). */
const ownFields = (state: Obj): Obj => {
  const { Branches: _branches, ItemProcessor: _processor, Iterator: _iterator, ...own } = state;
  return own;
};

/** Refuses what the emulation cannot run faithfully, with the path of the offending state. */
const refuseUnsupported = (level: Obj, where: string): void => {
  for (const [name, state] of statesOf(level)) {
    const at = `${where}.States.${name}`;
    if ('QueryLanguage' in state && state.QueryLanguage !== 'JSONPath') {
      throw new Error(`${at}: QueryLanguage ${String(state.QueryLanguage)} is not supported (JSONPath only)`);
    }
    if ('Arguments' in state || 'Output' in state) {
      throw new Error(`${at}: Arguments/Output are JSONata fields; JSONPath only`);
    }
    const rules = [
      state,
      ...(Array.isArray(state.Catch) ? state.Catch : []),
      ...(Array.isArray(state.Choices) ? state.Choices : []),
    ];
    if (rules.some((rule) => isObj(rule) && 'Assign' in rule)) {
      throw new Error(`${at}: Assign (workflow variables) is not supported by the emulation`);
    }
    for (const field of ['HeartbeatSeconds', 'HeartbeatSecondsPath', 'TimeoutSecondsPath']) {
      if (field in state) throw new Error(`${at}: ${field} is not supported by the emulation`);
    }
    const resource = state.Resource;
    if (state.Type === 'Task') {
      const known =
        resource === LAMBDA_INVOKE ||
        resource === LAMBDA_CALLBACK ||
        (typeof resource === 'string' && LAMBDA_FUNCTION_ARN.test(resource));
      if (!known) throw new Error(`${at}: Task resource ${String(resource)} is not emulated`);
    }
    // AWS has $$.Task.Token only in callback tasks; elsewhere the emulator's placeholder would leak.
    if (resource !== LAMBDA_CALLBACK && JSON.stringify(ownFields(state)).includes(TASK_TOKEN_PATH)) {
      throw new Error(`${at}: ${TASK_TOKEN_PATH} is only available in .waitForTaskToken tasks`);
    }
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      const distributed =
        isObj(processor) && isObj(processor.ProcessorConfig) && processor.ProcessorConfig.Mode === 'DISTRIBUTED';
      const distributedFields = ['ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailureCount'];
      if (distributed || distributedFields.some((field) => field in state) || 'ToleratedFailurePercentage' in state) {
        throw new Error(`${at}: distributed Map is not supported by the emulation`);
      }
    }
    nestedLevels(state).forEach((nested, index) => {
      refuseUnsupported(nested, `${at}[${index}]`);
    });
  }
};

const retryOf = (state: Obj): Retrier[] => (Array.isArray(state.Retry) ? (state.Retry as Retrier[]) : []);

const asTask = (state: Obj, keep: string[]): Obj => ({
  ...pick(state, ['Comment', ...keep, 'Next', 'End']),
  Type: 'Task',
  Resource: LOCAL_RESOURCE,
  TimeoutSeconds: LIBRARY_TIMEOUT_BACKSTOP_SECONDS,
});

const compileState = (name: string, state: Obj): { definition: Obj; compiled?: CompiledState } => {
  const retry = retryOf(state);
  switch (state.Type) {
    case 'Task': {
      const { TimeoutSeconds: timeoutSeconds, ...rest } = state;
      const definition = { ...rest, TimeoutSeconds: LIBRARY_TIMEOUT_BACKSTOP_SECONDS };
      const timeout = typeof timeoutSeconds === 'number' ? { timeoutSeconds } : {};
      if (state.Resource === LAMBDA_CALLBACK)
        return { definition, compiled: { kind: 'callback', name, retry, ...timeout } };
      const target = state.Resource === LAMBDA_INVOKE ? 'invoke' : { functionArn: String(state.Resource) };
      return { definition, compiled: { kind: 'lambda', name, target, retry, ...timeout } };
    }
    case 'Wait': {
      const path =
        typeof state.SecondsPath === 'string'
          ? { type: 'seconds' as const, expression: state.SecondsPath }
          : typeof state.TimestampPath === 'string'
            ? { type: 'timestamp' as const, expression: state.TimestampPath }
            : undefined;
      const compiled: CompiledState = {
        kind: 'wait',
        name,
        retry,
        ...(typeof state.Seconds === 'number' ? { seconds: state.Seconds } : {}),
        ...(typeof state.Timestamp === 'string' ? { timestamp: state.Timestamp } : {}),
        ...(path
          ? {
              path: {
                type: path.type,
                resolver: libraryMachine({
                  StartAt: 'Resolve',
                  States: { Resolve: { Type: 'Pass', Parameters: { 'value.$': path.expression }, End: true } },
                }),
              },
            }
          : {}),
      };
      // A Wait's output is its effective input: the handler returns its input, InputPath/OutputPath stay.
      return { definition: asTask(state, ['InputPath', 'OutputPath']), compiled };
    }
    case 'Parallel': {
      const branches = nestedLevels(state).map(compileLevel);
      const keep = ['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch'];
      return { definition: asTask(state, keep), compiled: { kind: 'parallel', name, branches, retry } };
    }
    case 'Map': {
      const [processor] = nestedLevels(state);
      const fanOut = libraryMachine({
        StartAt: 'Map',
        States: {
          Map: {
            ...pick(state, ['ItemsPath', 'ItemSelector', 'Parameters', 'MaxConcurrency', 'MaxConcurrencyPath']),
            Type: 'Map',
            ItemProcessor: {
              StartAt: MAP_ITEM_STATE,
              States: { [MAP_ITEM_STATE]: asTask({ End: true }, []) },
            },
            End: true,
          },
        },
      });
      const keep = ['InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch'];
      return {
        definition: asTask(state, keep),
        compiled: { kind: 'map', name, fanOut, items: compileLevel(processor ?? {}), retry },
      };
    }
    default:
      return { definition: state };
  }
};

const compileLevel = (level: Obj): CompiledLevel => {
  const states: Obj = {};
  const handled = new Map<string, CompiledState>();
  const retryPauseOverrides: Record<string, number> = {};
  for (const [name, state] of statesOf(level)) {
    const { definition, compiled } = compileState(name, state);
    states[name] = definition;
    if (compiled) handled.set(name, compiled);
    if (retryOf(definition).length > 0) retryPauseOverrides[name] = 0;
  }
  return { machine: libraryMachine({ StartAt: level.StartAt, States: states }), states: handled, retryPauseOverrides };
};

/**
 * Checks a definition (refusing JSONata, Assign, heartbeats, TimeoutSecondsPath, distributed Map and non-Lambda
 * integrations), validates it with the library's validator, and compiles it for the emulator.
 * @throws Error naming the state machine and the offending state.
 */
export const compileDefinition = (name: string, definition: Record<string, unknown>): CompiledMachine => {
  try {
    if ('QueryLanguage' in definition && definition.QueryLanguage !== 'JSONPath') {
      throw new Error(`QueryLanguage ${String(definition.QueryLanguage)} is not supported (JSONPath only)`);
    }
    refuseUnsupported(definition, '$');
    // Validates the definition as written (ARNs, paths), before the emulator's rewrite.
    new StateMachine(definition as unknown as StateMachineDefinition);
  } catch (error) {
    throw new Error(`State machine ${name}: ${(error as Error).message}`);
  }
  const timeout = definition.TimeoutSeconds;
  return { root: compileLevel(definition), ...(typeof timeout === 'number' ? { timeoutSeconds: timeout } : {}) };
};
