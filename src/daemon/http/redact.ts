// Secrets never leave the daemon through the API: any property whose name is in the list, at any depth
// and in any case, is replaced. Matching names anywhere (not paths) means a secret moved into a new
// section of the options is still caught.

/** Property names whose values are secrets (compared case-insensitively, ignoring `_` and `-`). */
export const SECRET_OPTION_KEYS: readonly string[] = ['password', 'passwordHash', 'key', 'apiKey', 'token', 'secret', 'jwt', 'cookie'];

export const REDACTED = '[redacted]';

const canonical = (name: string): string => name.toLowerCase().replace(/[_-]/g, '');

export function redactSecrets(value: unknown, secretKeys: readonly string[] = SECRET_OPTION_KEYS): unknown {
  const secrets = new Set(secretKeys.map(canonical));
  // Inside a secret (e.g. a list of keys) every leaf is a secret too; containers keep their shape so the
  // UI can still show how many there are and under which names.
  const walk = (node: unknown, depth: number, secret: boolean): unknown => {
    if (node === null || node === undefined || node === '') return node;
    if (typeof node !== 'object') return secret ? REDACTED : node;
    // Options are a small tree; the depth cap only guards against a cycle handed in by mistake.
    if (depth > 64) return REDACTED;
    if (Array.isArray(node)) return node.map((item) => walk(item, depth + 1, secret));
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(node)) out[name] = walk(child, depth + 1, secret || secrets.has(canonical(name)));
    return out;
  };
  return walk(value, 0, false);
}
