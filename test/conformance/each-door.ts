/**
 * For conformance tests of our own: one real origin on 127.0.0.1 for the file, and a describe
 * block per door and mode (`CONFORMANCE_DOORS` picks doors) whose cache is open while it runs.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { startOrigin, type TestOrigin } from '../helpers/origin.ts';
import { chosenDoors, type DoorClient, type DoorOptions } from './doors.ts';

/** What the tests of one door and mode reach, once `beforeAll` has run. */
export interface DoorContext {
  readonly origin: TestOrigin;
  readonly client: DoorClient;
}

/**
 * Defines `tests` once per door and mode, each door's cache opened with `options`; `context()` is
 * valid inside the tests.
 */
export function describeEachDoor(
  tests: (shared: boolean, context: () => DoorContext) => void,
  options?: DoorOptions,
): void {
  let origin: TestOrigin | undefined;
  beforeAll(async () => {
    origin = await startOrigin();
  });
  afterAll(async () => {
    await origin?.close();
  });
  for (const door of chosenDoors(process.env.CONFORMANCE_DOORS)) {
    for (const shared of door.modes) {
      describe(`${door.name}: ${shared ? 'shared' : 'private'} cache`, () => {
        let client: DoorClient | undefined;
        beforeAll(async () => {
          if (origin === undefined) throw new Error('the origin did not start');
          client = await door.open(shared, origin.url, options);
        });
        afterAll(async () => {
          await client?.close();
        });
        tests(shared, () => {
          if (origin === undefined || client === undefined)
            throw new Error('the door is not open yet');
          return { origin, client };
        });
      });
    }
  }
}
