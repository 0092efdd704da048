// Server notices (private messages from the user `server`) that answer a call of ours: a refused
// room operation or gift, an admin command's reply. The protocol has no ids tying a notice to a
// request, so a notice goes to the oldest waiting call that accepts its text.

import { AbortError, ClientError } from './errors.ts';
import { withDeadline } from './wait.ts';

/** The reserved name the server's notices come from. */
export const SERVER_USER = 'server';

/** Most calls waiting for a notice at once; more are refused rather than queued without end. */
export const MAX_NOTICE_CLAIMS = 1000;

interface Claim {
  accepts(text: string): boolean;
  resolve(text: string): void;
}

export class NoticeClaims {
  private claims: Claim[] = [];

  /** The next notice `accepts` takes, until `signal` aborts (then it rejects with AbortError). */
  claim(accepts: (text: string) => boolean, signal: AbortSignal): Promise<string> {
    if (signal.aborted) return Promise.reject(new AbortError('waiting for a server notice', signal.reason));
    if (this.claims.length >= MAX_NOTICE_CLAIMS) return Promise.reject(new ClientError('BUSY', `more than ${MAX_NOTICE_CLAIMS} calls already wait for the server's answer`));
    return new Promise((resolve, reject) => {
      const claim: Claim = {
        accepts,
        resolve: (text) => {
          signal.removeEventListener('abort', onAbort);
          resolve(text);
        },
      };
      const onAbort = (): void => {
        this.claims = this.claims.filter((c) => c !== claim);
        reject(new AbortError('waiting for a server notice', signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.claims.push(claim);
    });
  }

  /** Hands a notice to the oldest call that accepts it; false when none did (it is an ordinary message then). */
  offer(text: string): boolean {
    const index = this.claims.findIndex((claim) => claim.accepts(text));
    if (index < 0) return false;
    const [claim] = this.claims.splice(index, 1);
    claim!.resolve(text);
    return true;
  }
}

export interface AnsweredRequest<T> {
  what: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  claims: NoticeClaims;
  /** Which notices answer this request (refuse it). */
  accepts: (text: string) => boolean;
  /**
   * Waits for the server's confirmation; `signal` ends the wait. Set up before `send` runs. Its
   * test wraps with `confirming`, so the moment the confirmation arrives no later notice counts as
   * a refusal, even one read from the same chunk before the promise settled.
   */
  confirmation: (signal: AbortSignal, confirming: Confirming) => Promise<T>;
  /** Runs as the confirmation arrives, before any frame after it is read. */
  onConfirmed?: () => void;
  send: () => void;
  refused: (notice: string) => Error;
}

/** Wraps a message test: when it passes, the request counts as confirmed at once. */
export type Confirming = <M>(test: (message: M) => boolean) => (message: M) => boolean;

/**
 * Sends a request and settles on whichever comes first: its confirmation (resolves), a server
 * notice that accepts it (rejects with `refused(text)`), the timeout or the caller's abort.
 */
export function confirmedOrRefused<T>(request: AnsweredRequest<T>): Promise<T> {
  return withDeadline(request.what, request.timeoutMs, request.signal, async (deadline) => {
    // Ends both waits once one of them settled, so neither lingers until the timeout.
    const done = new AbortController();
    const signal = AbortSignal.any([deadline, done.signal]);
    let confirmed = false;
    const confirming: Confirming = (test) => (message) => {
      if (confirmed || !test(message)) return false;
      confirmed = true;
      request.onConfirmed?.();
      return true;
    };
    const confirmation = request.confirmation(signal, confirming);
    const notice = request.claims.claim((text) => !confirmed && request.accepts(text), signal);
    confirmation.catch(() => {});
    notice.catch(() => {});
    request.send();
    try {
      return await Promise.race([
        confirmation,
        notice.then((text) => {
          throw request.refused(text);
        }),
      ]);
    } finally {
      done.abort();
    }
  });
}

/** Whether a notice names `word` (a room or a user) as a word of its own, quoted or not. */
export function mentions(text: string, word: string): boolean {
  if (word === '') return false;
  let from = 0;
  for (;;) {
    const at = text.indexOf(word, from);
    if (at < 0) return false;
    const before = text[at - 1];
    const after = text[at + word.length];
    if ((before === undefined || !/[\p{L}\p{N}_]/u.test(before)) && (after === undefined || !/[\p{L}\p{N}_]/u.test(after))) return true;
    from = at + 1;
  }
}
