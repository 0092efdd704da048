// Helpers for the client tests: a recorder of everything a Client reports (its distributed status,
// searches that reach it, server messages), waits on those with timeouts (never sleeps), and a round
// trip to the server that proves it has handled everything the client sent before.

import type { ServerResponse } from '../../src/protocol/index.ts';
import type { Client, DistributedStatus, IncomingSearch, SearchAnswer } from '../../src/client/index.ts';
import { WAIT_MS } from '../server/harness.ts';
import { Recorder } from '../support/recorder.ts';
export { Recorder };


/** What one Client reported, recorded from before its login. */
export interface Probe {
  client: Client;
  statuses: Recorder<DistributedStatus>;
  searches: Recorder<IncomingSearch>;
  serverMessages: Recorder<ServerResponse>;
  /** Every call of the search responder (set with `answer`). */
  responderCalls: Recorder<IncomingSearch>;
  warnings: Recorder<Error>;
  /** Answers searches with `answer(search)`, counting the calls. */
  answer(answer: (search: IncomingSearch) => SearchAnswer | undefined): void;
}

export function probe(client: Client): Probe {
  const p: Probe = {
    client,
    statuses: new Recorder(),
    searches: new Recorder(),
    serverMessages: new Recorder(),
    responderCalls: new Recorder(),
    warnings: new Recorder(),
    answer(answer) {
      client.setSearchResponder((search) => {
        p.responderCalls.push(search);
        return answer(search);
      });
    },
  };
  client.on('distributed', (status) => p.statuses.push(status));
  client.on('searchRequest', (search) => p.searches.push(search));
  client.on('serverMessage', (message) => p.serverMessages.push(message));
  client.on('warning', (error) => p.warnings.push(error));
  return p;
}

/**
 * Resolves once the server has handled everything the client sent before: the server answers a
 * session's messages in order, so the reply to a status request comes after all of them.
 */
export async function syncWithServer(client: Client): Promise<void> {
  await client.userStatus(`sync-${Math.random().toString(36).slice(2)}`);
}

/** Waits until `condition` holds, re-checking whenever one of the clients reports a new distributed status. */
export function settle(clients: Client[], condition: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  if (condition()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!condition()) return;
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      for (const client of clients) client.off('distributed', check);
    };
    const timer = setTimeout(() => {
      cleanup();
      const state = clients.map((client) => [client.username, client.distributedStatus()]);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; state: ${JSON.stringify(state)}`));
    }, timeoutMs);
    for (const client of clients) client.on('distributed', check);
  });
}
