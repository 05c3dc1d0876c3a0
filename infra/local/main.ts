/**
 * `npm start`: the whole backend on this machine, booted from the synthesized CDK template.
 *   --fresh       wipe local data (.local/data) first
 *   --port <n>    HTTP port (default 3000, or $PORT)
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { demoStaff } from '#shared/directory/demo-seed';
import { startLocalCloud } from './cloud.ts';
import { projectRoot } from './synth.ts';

const { values } = parseArgs({
  options: { fresh: { type: 'boolean', default: false }, port: { type: 'string' } },
  allowPositionals: false,
});
const localDir = path.join(projectRoot, '.local');
const dataDir = path.join(localDir, 'data');
const lockFile = path.join(localDir, 'runtime.json');
const port = Number(values.port ?? process.env.PORT ?? 3000);

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

if (existsSync(lockFile)) {
  const running = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number; url: string };
  if (running.pid !== process.pid && isAlive(running.pid)) {
    console.error(`abdi is already running at ${running.url} (pid ${running.pid}). Stop it with Ctrl-C there first.`);
    process.exit(1);
  }
}
if (values.fresh) rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const started = Date.now();
console.log('abdi: synthesizing the CDK app and starting the local cloud...');
const cloud = await startLocalCloud({
  dataDir,
  port,
  accessKeyId: 'local',
  seed: true,
  logSink: {
    write: ({ functionName, line }) => console.log(`[${functionName.replace(/^abdi-dev-/, '')}] ${line}`),
  },
});
writeFileSync(lockFile, JSON.stringify({ pid: process.pid, url: cloud.url }));

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nabdi: stopping...');
  await cloud.stop();
  rmSync(lockFile, { force: true });
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

if (cloud.seeded) {
  console.log(
    cloud.seeded.seeded
      ? `abdi: demo data seeded (${cloud.seeded.units} units, ${cloud.seeded.staff} staff)`
      : 'abdi: demo data already present',
  );
}

const tokens = await Promise.all(
  demoStaff.map(async (person) => ({
    person,
    token: await cloud.token(
      { sub: person.sub, username: person.email, email: person.email, groups: person.groups },
      { expiresInSeconds: 12 * 3600 },
    ),
  })),
);

console.log(`
abdi is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)

  API             ${cloud.url}
  health          ${cloud.url}/health
  OpenAPI         ${cloud.url}/openapi.json
  outbox (email)  ${cloud.url}/_outbox
  functions       ${cloud.system.functions.length}, routes ${cloud.system.routes.length}, state machines ${cloud.system.stateMachines.length}
  DynamoDB Local  ${cloud.env.AWS_ENDPOINT_URL_DYNAMODB} (data in .local/data; npm start -- --fresh wipes it)

Dev bearer tokens (valid 12 hours):
${tokens
  .map(
    ({ person, token }) =>
      `  ${person.groups.join(',')} — ${person.name} (${person.officeCode})\n    curl -H 'authorization: Bearer ${token}' ${cloud.url}/me`,
  )
  .join('\n')}

Ctrl-C stops everything.`);
