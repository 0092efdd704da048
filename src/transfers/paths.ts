// Local file names for downloads. The virtual path comes from the peer, so nothing of it but a
// cleaned-up last component ever reaches the file system, and the result is checked to stay inside
// its folder. Finished files are moved without ever replacing an existing file.

import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, unlink } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';

/** Characters no file system of the three big platforms takes in a name, and control characters. */
const ILLEGAL = /[\u0000-\u001f\u007f<>:"/\\|?*]/g;
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³]) *(\..*)?$/i;
const TRAILING = /[. ]+$/;
const MAX_NAME_BYTES = 255;

/** Cuts `name` to at most `maxBytes` UTF-8 bytes, keeping the extension when it is short. */
function fitName(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const ext = extname(name);
  const keepExt = Buffer.byteLength(ext) <= 32 ? ext : '';
  let stem = keepExt === '' ? name : name.slice(0, -keepExt.length);
  const budget = maxBytes - Buffer.byteLength(keepExt);
  // Drop whole code points until it fits.
  const points = [...stem];
  while (points.length > 0 && Buffer.byteLength(points.join('')) > budget) points.pop();
  stem = points.join('');
  return stem + keepExt;
}

/**
 * One path component made safe on the three big platforms: each character names may not hold
 * becomes `replacement`, trailing dots and spaces and leading spaces go, a reserved device name
 * gets a `_` in front, and the result fits in `maxBytes` UTF-8 bytes. undefined when nothing is
 * left (empty, `.`, `..`, only dots and spaces), so no result is ever a path step of its own.
 */
export function safeName(text: string, replacement: '' | '_', maxBytes = MAX_NAME_BYTES): string | undefined {
  let name = text.replace(ILLEGAL, replacement).replace(TRAILING, '').replace(/^ +/, '');
  if (name === '') return undefined;
  if (RESERVED.test(name)) name = `_${name}`;
  // Cutting can leave a dot or space at the end again.
  name = fitName(name, maxBytes).replace(TRAILING, '');
  return name === '' ? undefined : name;
}

/**
 * The local name for a virtual path: its last backslash-separated component without the
 * characters file names may not hold, trailing dots and spaces, or a reserved device name.
 */
export function localFileName(virtualPath: string, maxBytes = MAX_NAME_BYTES): string {
  const last = virtualPath.slice(virtualPath.lastIndexOf('\\') + 1);
  return safeName(last, '', maxBytes) ?? 'file';
}

/** `folder/name`, refusing anything that would not be directly inside `folder`. */
export function insideFolder(folder: string, name: string): string {
  const base = resolve(folder);
  const path = resolve(base, name);
  if (dirname(path) !== base || basename(path) !== name) throw new Error(`refusing a file name outside ${base}: ${JSON.stringify(name)}`);
  return path;
}

/** Where the partial file of a download lives: one name per (user, virtual path), so a later attempt resumes it. */
export function incompletePathFor(incompleteDir: string, username: string, virtualPath: string): string {
  const digest = createHash('md5').update(`${username}\n${virtualPath}`).digest('hex').slice(0, 16);
  const prefix = `INCOMPLETE${digest} `;
  return insideFolder(incompleteDir, prefix + localFileName(virtualPath, MAX_NAME_BYTES - Buffer.byteLength(prefix)));
}

/** `name`, then `name (1).ext`, `name (2).ext`… */
function candidate(name: string, n: number): string {
  if (n === 0) return name;
  const ext = extname(name);
  const stem = ext === '' ? name : name.slice(0, -ext.length);
  return fitName(`${stem} (${n})`, MAX_NAME_BYTES - Buffer.byteLength(ext)) + ext;
}

const CANNOT_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EACCES']);

/**
 * Moves `source` into `folder` as `name`, or `name (n)` when that exists: never replaces a file.
 * A hard link claims the name atomically (EEXIST if taken); where links are not possible the file
 * is copied with COPYFILE_EXCL. Returns the final path.
 */
export async function moveWithoutOverwrite(source: string, folder: string, name: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  for (let n = 0; n < 10_000; n++) {
    const target = insideFolder(folder, candidate(name, n));
    try {
      await link(source, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue;
      if (!CANNOT_LINK.has(code)) throw error;
      try {
        await copyFile(source, target, constants.COPYFILE_EXCL);
      } catch (copyError) {
        if ((copyError as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw copyError;
      }
    }
    await unlink(source);
    return target;
  }
  throw new Error(`no free file name for ${name} in ${folder}`);
}
