/**
 * Cache events on `node:diagnostics_channel`, for APM tools: each event type `T` is published on
 * the channel `httpcache:T` (`httpcache:hit`, `httpcache:miss`, ...). The module is resolved at
 * the first event through `process.getBuiltinModule`, so nothing here imports `node:`; where the
 * runtime has no such module (browsers, workerd), nothing is published.
 *
 * @module
 */

/** The part of a diagnostics channel used here. */
interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

interface DiagnosticsChannels {
  channel(name: string): Channel;
}

/** The runtime's module; `null` once it is known to have none. */
let runtime: DiagnosticsChannels | null | undefined;
const channels = new Map<string, Channel>();

/** The channel an event type is published on. */
export function channelName(type: string): string {
  return `httpcache:${type}`;
}

/** Publishes an event on its channel when anyone subscribes to it. */
export function publish(type: string, event: object): void {
  runtime ??= diagnosticsChannels() ?? null;
  if (runtime === null) return;
  let channel = channels.get(type);
  if (channel === undefined) {
    channel = runtime.channel(channelName(type));
    channels.set(type, channel);
  }
  if (channel.hasSubscribers) channel.publish(event);
}

function diagnosticsChannels(): DiagnosticsChannels | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  try {
    return process?.getBuiltinModule?.('node:diagnostics_channel') as
      | DiagnosticsChannels
      | undefined;
  } catch {
    return undefined;
  }
}
