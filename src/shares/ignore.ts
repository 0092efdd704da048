// Ignore patterns for the share scanner: glob-like, case-insensitive.
//
// A pattern without `/` is tested against an entry's name ('*.tmp', '.*', 'Thumbs.db'); a pattern
// with `/` against its path relative to the share root, with `/` separators ('Scans/*.jpg',
// '**/@eaDir', '/Top' for Top at the root only; a trailing `/` is ignored). `*` matches any run of characters except `/`, `**` any run including `/`, `?` one
// character except `/`, `[abc]` / `[!abc]` one character of (not of) a set. A matching folder is
// skipped with everything below it.

export type IgnoreMatcher = (name: string, relativePath: string) => boolean;

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        source += '.*';
        i++;
        if (pattern[i + 1] === '/') {
          // `**/x` also matches `x` at the top.
          source += '(?:^|/)';
          i++;
        }
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else {
      source += char.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
  }
  return new RegExp(`^(?:${source})$`, 'iu');
}

export function ignoreMatcher(patterns: readonly string[]): IgnoreMatcher {
  const byName: RegExp[] = [];
  const byPath: RegExp[] = [];
  for (const raw of patterns) {
    const trimmed = raw.trim().replace(/\/+$/, '');
    const pattern = trimmed.replace(/^\/+/, '');
    if (pattern.length === 0) continue;
    (trimmed.includes('/') ? byPath : byName).push(globToRegExp(pattern));
  }
  if (byName.length === 0 && byPath.length === 0) return () => false;
  return (name, relativePath) => byName.some((re) => re.test(name)) || byPath.some((re) => re.test(relativePath));
}
