import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The machine a run measured on. Figures are only comparable with a floor measured in the same run. */
export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
}

export const describeMachine = (): Machine => ({
  cpuModel: os.cpus()[0]?.model?.trim() || 'unknown',
  cores: os.availableParallelism(),
  memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  date: new Date().toISOString(),
});

/** What `uptime` says (load averages over 1, 5 and 15 minutes): other work on the machine skews every figure. */
export interface Load {
  at: string;
  loadavg: [number, number, number];
  uptime: string;
}

export const machineLoad = (): Load => {
  let uptime = '';
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = 'uptime unavailable';
  }
  const [one = 0, five = 0, fifteen = 0] = os.loadavg().map((v) => Math.round(v * 100) / 100);
  return { at: new Date().toISOString(), loadavg: [one, five, fifteen], uptime };
};
