/** A manual clock for tests: time moves only when the test says so. */
export interface ManualClock {
  (): number;
  /** Moves time forward by `seconds`. */
  advance(seconds: number): void;
}

/** A manual clock starting now, rounded to a whole second like HTTP dates. */
export function manualClock(start = Math.floor(Date.now() / 1000) * 1000): ManualClock {
  let now = start;
  return Object.assign(() => now, {
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  });
}
