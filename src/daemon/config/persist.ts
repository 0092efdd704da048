// Writing settings changed at run time (PATCH /api/v1/options) back to the config file, so they survive
// a restart as a user expects of a settings page. Only the settings changed are written: a YAML file is
// edited as a document, so the user's comments, order and the other settings stay as they were; a JSON
// file is rewritten (JSON has no comments to keep). The write is atomic (a temporary file renamed over
// the old one) and keeps the file's permissions (0600 for a new one: it may hold passwords).

import { readFile, rename, stat, writeFile, unlink } from 'node:fs/promises';
import { extname } from 'node:path';
import { isScalar, parseDocument } from 'yaml';
import { isPlainObject } from './schema-walk.ts';

const valueAt = (config: unknown, segments: readonly string[]): unknown =>
  segments.reduce<unknown>((node, name) => (isPlainObject(node) ? node[name] : undefined), config);

function setJson(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node = target;
  for (const name of segments.slice(0, -1)) {
    const child = node[name];
    if (!isPlainObject(child)) node[name] = {};
    node = node[name] as Record<string, unknown>;
  }
  node[segments.at(-1)!] = value;
}

/** The file's text with the `changed` settings (dotted paths) set to their values in `config`. */
export function editedSettingsText(file: string, text: string, config: unknown, changed: readonly string[]): string {
  const paths = changed.map((path) => path.split('.'));
  if (extname(file).toLowerCase() === '.json') {
    const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
    const root = isPlainObject(parsed) ? parsed : {};
    for (const segments of paths) setJson(root, segments, valueAt(config, segments));
    return `${JSON.stringify(root, null, 2)}\n`;
  }
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) throw new Error(`it is not valid YAML: ${document.errors[0]!.message.split('\n')[0]}`);
  if (!isPlainObject(document.toJS())) document.contents = document.createNode({}) as typeof document.contents;
  for (const segments of paths) {
    const value = valueAt(config, segments);
    const existing: unknown = document.getIn(segments, true);
    // A value replacing a value keeps its node, and so the comment beside it.
    if (isScalar(existing) && (value === null || typeof value !== 'object')) existing.value = value;
    else document.setIn(segments, document.createNode(value));
  }
  return document.toString();
}

/** Writes the `changed` settings to `file` (created if missing), keeping the rest of it. */
export async function persistSettings(file: string, config: unknown, changed: readonly string[]): Promise<void> {
  let text = '';
  let mode = 0o600;
  try {
    text = await readFile(file, 'utf8');
    mode = (await stat(file)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const edited = editedSettingsText(file, text, config, changed);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, edited, { mode });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}
