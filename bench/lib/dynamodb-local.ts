import { readdirSync, readFileSync } from 'node:fs';

/**
 * The endpoint and process id of the DynamoDB Local JVM this process started (the local runtime's functions reach it through a
 * fault-injecting proxy; floors are sent to the JVM itself). Found among this process's children by its command
 * line (`java ... DynamoDBLocal.jar ... -port <n>`), Linux only. Undefined when not found.
 */
export const dynamoDbLocal = (): { endpoint: string; pid: number } | undefined => {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!args.some((a) => a.includes('DynamoDBLocal.jar'))) continue;
      const port = args[args.indexOf('-port') + 1];
      if (port && /^\d+$/.test(port)) return { endpoint: `http://127.0.0.1:${port}`, pid: Number(entry) };
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
};

/** CPU time (user + system, ms) a process has used so far; undefined when it cannot be read. */
export const processCpuMs = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
};

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;
