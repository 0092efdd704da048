// Errors the client library rejects with: one class per condition, each with a stable `code`.

export class ClientError extends Error {
  override readonly name: string = 'ClientError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The server refused the login; `reason` is its failure string (INVALIDPASS, SVRFULL, …). */
export class LoginError extends ClientError {
  override readonly name: string = 'LoginError';
  readonly reason: string;
  readonly detail: string | undefined;
  constructor(reason: string, detail?: string) {
    super('LOGIN_REFUSED', `the server refused the login: ${reason}${detail ? ` (${detail})` : ''}${loginAdvice(reason)}`);
    this.reason = reason;
    this.detail = detail;
  }
}

function loginAdvice(reason: string): string {
  switch (reason) {
    case 'INVALIDPASS':
      return ' — the password is wrong for this username, or the name is taken by someone else';
    case 'INVALIDUSERNAME':
      return ' — use 1 to 30 printable characters without leading or trailing spaces';
    case 'EMPTYPASSWORD':
      return ' — give a password';
    case 'SVRFULL':
      return ' — the server is full; try again later';
    case 'SVRPRIVATE':
      return ' — the server only admits existing accounts; ask its admin for one';
    case 'REGISTRATIONLIMIT':
      return ' — log in with an account you already have, or register this one later';
    case 'BANNED':
      return " — this account is banned on this server; ask the server's admin";
    case 'INVALIDVERSION':
      return ' — the server does not accept this client version';
    default:
      return '';
  }
}

/** An operation did not finish in time. */
export class TimeoutError extends ClientError {
  override readonly name: string = 'TimeoutError';
  constructor(what: string, ms: number) {
    super('TIMEOUT', `${what} timed out after ${ms} ms`);
  }
}

/** An operation was cancelled through its AbortSignal. */
export class AbortError extends ClientError {
  override readonly name: string = 'AbortError';
  constructor(what: string, reason?: unknown) {
    super('ABORTED', `${what} was aborted`, { cause: reason });
  }
}

/** Not connected (or no longer) to the server. */
export class NotConnectedError extends ClientError {
  override readonly name: string = 'NotConnectedError';
  constructor(what: string, message = `${what}: not logged in to a server; call login() first`) {
    super('NOT_CONNECTED', message);
  }
}

/** A peer could not be reached, directly or through the server. */
export class PeerUnreachableError extends ClientError {
  override readonly name: string = 'PeerUnreachableError';
  readonly username: string;
  constructor(username: string, why: string) {
    super('PEER_UNREACHABLE', `cannot reach ${username}: ${why}`);
    this.username = username;
  }
}

/** The connection to the server closed (code NOT_CONNECTED, as for any call made while not connected) while an operation that needs it was under way. */
export class ServerDisconnectedError extends NotConnectedError {
  override readonly name: string = 'ServerDisconnectedError';
  constructor(what: string) {
    super(what, `${what}: the connection to the server closed; try again once logged in again (the client reconnects by itself unless told not to)`);
  }
}
