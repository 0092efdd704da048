// Virtual paths: how shared files are named on the network, `<share name>\\folder\\file.flac`
// (backslashes, the share's name first, as Nicotine+ does), and the checks an incoming path must pass
// before it is even looked up.

import { sep } from 'node:path';

export const MAX_VIRTUAL_PATH = 4096;

const CONTROL = /[\x00-\x1f\x7f]/;
const DOTS_AND_SPACES = /^[. ]+$/;
const DRIVE = /^[A-Za-z]:/;

/**
 * Can this name (a share name, a folder or file name on disk) be part of a virtual path? Not when
 * it holds a backslash (the separator) or a slash, control characters, U+FFFD (a name on disk that
 * was not valid UTF-8 and would not map back to the same file), or is only dots and spaces.
 */
export function isRepresentableName(name: string): boolean {
  return (
    name.length > 0 &&
    !name.includes('\\') &&
    !name.includes('/') &&
    !name.includes('\uFFFD') &&
    !CONTROL.test(name) &&
    !DOTS_AND_SPACES.test(name) &&
    name.isWellFormed()
  );
}

/**
 * The segments of a virtual path a peer sent, or undefined when it is not one we could have
 * produced: NUL or other control characters, forward slashes (also mixed with backslashes), a
 * leading backslash (absolute, UNC `\\\\host`), a drive letter, empty, `.`/`..` or dots-only
 * segments, lone surrogates, fewer than two segments (a share name and a file), or too long.
 */
export function virtualSegments(virtualPath: unknown): string[] | undefined {
  if (typeof virtualPath !== 'string') return undefined;
  if (virtualPath.length === 0 || virtualPath.length > MAX_VIRTUAL_PATH) return undefined;
  if (!virtualPath.isWellFormed() || CONTROL.test(virtualPath)) return undefined;
  if (virtualPath.includes('/') || virtualPath.startsWith('\\') || DRIVE.test(virtualPath)) return undefined;
  const segments = virtualPath.split('\\');
  if (segments.length < 2) return undefined;
  for (const segment of segments) if (!isRepresentableName(segment)) return undefined;
  return segments;
}

/** Is `child` (a real path) the root itself or inside it? */
export function isInside(root: string, child: string): boolean {
  if (child === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return child.startsWith(prefix);
}
