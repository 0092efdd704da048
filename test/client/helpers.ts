// Shared helpers for client tests: clients on 127.0.0.1 that do not reconnect, and waiting for an
// event with a timeout instead of sleeping.

import { createServer } from 'node:net';
import { Client, type ClientEvents, type ClientOptions } from '../../src/client/index.ts';

export function newClient(options: ClientOptions = {}): Client {
  return new Client({ listenHost: '127.0.0.1', reconnect: false, ...options });
}

export async function loggedIn(port: number, username: string, options: ClientOptions = {}): Promise<Client> {
  const client = newClient(options);
  await client.login({ server: `127.0.0.1:${port}`, username, password: 'pw' });
  return client;
}

/** The first `name` event whose arguments pass `test`. */
export function nextEvent<K extends keyof ClientEvents>(
  client: Client,
  name: K,
  test: (...args: ClientEvents[K]) => boolean = () => true,
  ms = 5000,
): Promise<ClientEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: ClientEvents[K]) => {
      if (!test(...args)) return;
      clearTimeout(timer);
      client.off(name, listener as never);
      resolve(args[0]);
    };
    const timer = setTimeout(() => {
      client.off(name, listener as never);
      reject(new Error(`no ${String(name)} event within ${ms} ms`));
    }, ms);
    client.on(name, listener as never);
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released): an address whose connections are refused. */
export async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
