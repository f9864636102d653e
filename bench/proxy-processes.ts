/**
 * The proxy group's processes: each server, and the load generator, in a process of its own,
 * pinned to a core of its own where `taskset` exists (Linux), and the CPU time each one spends,
 * read from `/proc`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { delimiter, join } from 'node:path';

/** An executable on PATH or in the sbin directories; `undefined` when there is none. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** The body sizes measured. */
export const SIZES = [1024, 256 * 1024] as const;

/** The core the load generator runs on, and the one each server runs on. */
export const LOAD_CPU = 0;
export const SERVER_CPU = 1;

const taskset = cpus().length >= 2 ? findExecutable('taskset') : undefined;

/** Whether processes are pinned to cores (`taskset` found and at least two cores). */
export const pinned = taskset !== undefined;

/** `command` and `args`, run on core `cpu` where it can be pinned. */
export function onCpu(cpu: number, command: string, args: readonly string[]): [string, string[]] {
  return taskset === undefined
    ? [command, [...args]]
    : [taskset, ['-c', String(cpu), command, ...args]];
}

/** A Node script of the bench in a process of its own on core `cpu`, with an IPC channel. */
export function spawnScript(
  cpu: number,
  file: string,
  args: readonly string[],
  execArgv: readonly string[] = [],
): ChildProcess {
  const [command, all] = onCpu(cpu, process.execPath, [
    ...execArgv,
    new URL(file, import.meta.url).pathname,
    ...args,
  ]);
  const child = spawn(command, all, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const stop = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', stop);
  child.once('exit', () => process.off('exit', stop));
  return child;
}

/** The next message of `child`; rejects if it exits first. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const exited = (code: number | null): void => reject(new Error(`bench: exited (${code})`));
    child.once('exit', exited);
    child.once('message', (message) => {
      child.off('exit', exited);
      resolve(message as T);
    });
  });
}

let ticks: number | undefined;

/** Clock ticks per second of `/proc`'s CPU times. */
function ticksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/**
 * Seconds of CPU (user and system, all threads) process `pid` has spent so far, or `undefined`
 * where `/proc` cannot tell.
 */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces) in parentheses: utime is the
    // 14th field of the line, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** The first child process of `pid` (nginx's worker), or `undefined`. */
export function childOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    const first = Number(children.split(' ')[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}
