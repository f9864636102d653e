import { createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP server on 127.0.0.1 that accepts connections and never answers: a backend that hangs,
 * for as long as the test wants, so that only a client's own timeout can end a wait.
 *
 * @module
 */

/** A running black hole. */
export interface BlackHole {
  readonly port: number;
  /** Drops every connection and stops listening. */
  close(): void;
}

/** Starts a {@link BlackHole} on a free port. */
export async function blackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
