import { describe, expect, it } from 'vitest';
import { Flights } from '../../src/engine/coalesce.ts';

/** A flight's origin request follows its waiters: it is aborted only once none waits. */
describe('Flights', () => {
  it('the first request leads; later ones follow until the flight lands', () => {
    const flights = new Flights<string>();
    const first = flights.join('k');
    expect(first.lead).toBe(true);
    const second = flights.join('k');
    expect(second.lead).toBe(false);
    expect(second.flight).toBe(first.flight);
    flights.land('k', first.flight);
    expect(flights.join('k').lead).toBe(true);
  });

  it('a follower’s abort rejects it alone; the origin request goes on for the leader', async () => {
    const { flight } = new Flights<string>().join('k');
    const controller = new AbortController();
    const follower = flight.follow('b', controller.signal);
    controller.abort(new Error('b gave up'));
    await expect(follower).rejects.toThrow('b gave up');
    expect(flight.signal.aborted).toBe(false);
  });

  it('the origin request is aborted once the leader and every follower have left', async () => {
    const { flight } = new Flights<string>().join('k');
    const controller = new AbortController();
    const follower = flight.follow('b', controller.signal);
    flight.leave(new Error('leader gave up'));
    expect(flight.signal.aborted).toBe(false);
    controller.abort(new Error('b gave up'));
    await expect(follower).rejects.toThrow('b gave up');
    expect(flight.signal.aborted).toBe(true);
  });

  it('a follower without a signal keeps the origin request going', () => {
    const { flight } = new Flights<string>().join('k');
    void flight.follow('b', undefined);
    flight.leave(new Error('leader gave up'));
    expect(flight.signal.aborted).toBe(false);
  });

  it('a response that comes after its follower left is cancelled', async () => {
    const { flight } = new Flights<string>().join('k');
    const controller = new AbortController();
    const follower = flight.follow('b', controller.signal);
    controller.abort(new Error('gone'));
    await expect(follower).rejects.toThrow('gone');
    let cancelled = false;
    const body = new ReadableStream({
      cancel() {
        cancelled = true;
      },
    });
    for (const f of flight.land()) f.settle({ type: 'response', response: new Response(body) });
    await Promise.resolve();
    expect(cancelled).toBe(true);
  });

  it('a landed flight is not aborted when its waiters leave: their bodies follow their signals', () => {
    const { flight } = new Flights<string>().join('k');
    flight.land();
    flight.leave(new Error('leader gave up'));
    expect(flight.signal.aborted).toBe(false);
  });
});
