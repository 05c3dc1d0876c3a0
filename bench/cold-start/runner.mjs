// A fresh process as Lambda's runtime would run it: import the bundle, answer one event, report, exit.
// Plain JavaScript with no imports beyond Node's own, so the runner itself adds the same small cost to every bundle.
// argv[2]: absolute path of the bundle (index.mjs); argv[3]: the event as JSON; argv[4]: the function name.
const loaded = performance.now();
const [bundle, eventJson, functionName = 'bench'] = process.argv.slice(2);
const { pathToFileURL } = await import('node:url');
const start = Date.now();
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:ap-southeast-3:000000000000:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: '00000000-0000-4000-8000-000000000000',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => Math.max(0, start + 10_000 - Date.now()),
  done() {},
  fail() {},
  succeed() {},
};
const mod = await import(pathToFileURL(bundle).href);
const imported = performance.now();
let status = 'ok';
let statusCode;
try {
  const result = await mod.handler(JSON.parse(eventJson), context);
  statusCode = result && typeof result === 'object' ? result.statusCode : undefined;
} catch (error) {
  status = `threw ${error?.name ?? 'error'}: ${String(error?.message ?? error).slice(0, 200)}`;
}
const answered = performance.now();
// CPU time of the whole process (all threads) so far: less sensitive than wall time to other work on the machine.
const cpu = process.cpuUsage();
// performance.now() counts from the process's time origin: `loaded` is Node's own boot.
const report = {
  bootMs: loaded,
  importMs: imported - loaded,
  firstEventMs: answered - imported,
  cpuMs: (cpu.user + cpu.system) / 1000,
  status,
  statusCode,
};
process.stdout.write(`\n@@bench ${JSON.stringify(report)}\n`, () => process.exit(0));
