import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster from Debian's packages (`apt-get install postgresql`), for the report's peer: the
 * aggregate query the survey (SKM) applications of other governments typically run over a table of responses.
 * Started by the bench in a temporary folder (`initdb`, `pg_ctl`), listening on a Unix socket only, removed at the
 * end. Under root the server runs as the `postgres` user (it refuses root). Queries go through one `psql` process
 * per block with `\timing on`, so a figure is the query's round trip seen by the client, without process start-up.
 */

export interface Postgres {
  version: string;
  /** Runs a script through psql; answers its output (unaligned, tuples only). */
  run(script: string, input?: string): Promise<string>;
  /** Runs `sql` `times` times in one psql session; answers each round trip (ms) and the last result row. */
  time(sql: string, times: number): Promise<{ ms: number[]; result: string }>;
  stop(): Promise<void>;
}

/** The newest Debian PostgreSQL `bin` folder, or the one `pg_config` names; undefined when none is installed. */
const binDir = (): string | undefined => {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    return existsSync(path.join(dir, 'pg_ctl')) ? dir : undefined;
  } catch {
    return undefined;
  }
};

const capture = (command: string, args: string[], input?: string) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else reject(new Error(`${path.basename(command)} exited ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });

/**
 * Starts the cluster; answers why not when PostgreSQL is not installed or cannot start. Never installs anything.
 */
export const startPostgres = async (): Promise<Postgres | { reason: string }> => {
  const bin = binDir();
  if (!bin) {
    return {
      reason:
        'PostgreSQL is not installed (Debian: `apt-get install -y postgresql`); the peer needs initdb, pg_ctl, psql',
    };
  }
  const root = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (root) {
    try {
      uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    } catch {
      return { reason: 'running as root and there is no `postgres` user to run the server as' };
    }
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'abdi-bench-pg-'));
  if (root) chownSync(dir, uid!, gid!);
  const data = path.join(dir, 'data');
  // As root, the server's own tools run as postgres; psql connects over the socket as any user (trust).
  const asServer = (tool: string, args: string[]) =>
    root
      ? capture('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args])
      : capture(path.join(bin, tool), args);
  const port = '5432';
  try {
    await asServer('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    await asServer('pg_ctl', [
      '-D',
      data,
      '-l',
      path.join(dir, 'server.log'),
      '-w',
      '-o',
      // The socket in our folder only (no TCP); durability off: the bench loads and reads, nothing else.
      `-k ${dir} -p ${port} -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `PostgreSQL did not start: ${(error as Error).message.slice(0, 300)}` };
  }
  const psqlArgs = [
    '-h',
    dir,
    '-p',
    port,
    '-U',
    'postgres',
    '-d',
    'postgres',
    '-X',
    '-q',
    '-A',
    '-t',
    '-v',
    'ON_ERROR_STOP=1',
  ];
  const psql = path.join(bin, 'psql');
  const run = (script: string, input?: string) =>
    capture(
      psql,
      [...psqlArgs, ...(input === undefined ? ['-c', script] : ['-f', '-'])],
      input === undefined ? undefined : `${script}\n${input}`,
    );
  const version = (await run('SHOW server_version')).trim();
  return {
    version,
    run,
    async time(sql, times) {
      const script = ['\\timing on', ...Array.from({ length: times }, () => `${sql};`)].join('\n');
      const out = await capture(psql, [...psqlArgs, '-f', '-'], script);
      const ms = [...out.matchAll(/^Time: ([\d.]+) ms/gm)].map((m) => Number(m[1]));
      if (ms.length !== times) throw new Error(`psql timed ${ms.length} of ${times} queries: ${out.slice(0, 300)}`);
      const result =
        out
          .split('\n')
          .filter((l) => l && !l.startsWith('Time:'))
          .at(-1) ?? '';
      return { ms, result };
    },
    async stop() {
      await asServer('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
