/**
 * Whether a process is alive, for sweeping what a dead writer left behind.
 *
 * @module
 */

/** Whether process `pid` exists (one that exists but is not ours to signal counts). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
