// The web UI at `/`: the files Vite built into web/ at the package root (src/web is their source),
// read once at start and served from memory. A path that names no file gets index.html (the page
// finds its screen itself); paths under /api/ stay the API's, with its JSON 404. The page may load
// only what comes from the daemon itself (Content-Security-Policy): nothing leaves for the internet.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notFoundHandler } from './errors.ts';

/** Where `npm run build:web` puts the UI: web/ beside src/ (and beside dist/ in the package). */
export const WEB_UI_FOLDER = fileURLToPath(new URL('../../../web/', import.meta.url));

/** The build is ours and small (~100 KB); anything far larger is not what it should be. */
const MAX_UI_BYTES = 20 * 1024 * 1024;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export const WEB_UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface UiFile {
  body: Buffer;
  type: string;
  /** Hashed names (assets/): the content never changes under that name. */
  immutable: boolean;
}

export interface WebUi {
  /** By URL path ('/index.html', '/assets/index-abc.js'). */
  readonly files: ReadonlyMap<string, UiFile>;
}

/** The built UI in `folder`; undefined when it has not been built (no index.html). */
export function loadWebUi(folder: string = WEB_UI_FOLDER): WebUi | undefined {
  const files = new Map<string, UiFile>();
  let total = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      if (!entry.isFile()) continue;
      total += statSync(path).size;
      if (total > MAX_UI_BYTES) throw new Error(`${folder} holds over ${MAX_UI_BYTES / 1024 / 1024} MB: not the web UI's build`);
      const urlPath = `/${relative(folder, path).split(sep).join('/')}`;
      files.set(urlPath, { body: readFileSync(path), type: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', immutable: urlPath.startsWith('/assets/') });
    }
  };
  try {
    if (!statSync(join(folder, 'index.html')).isFile()) return undefined;
  } catch {
    return undefined;
  }
  walk(folder);
  return { files };
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>slsk-ts</title>
<p>The web UI is not built. In the slsk-ts checkout, run <code>npm run build:web</code> (<code>npm start</code> and <code>npm test</code> do it), then reload.</p>
<p>The API answers meanwhile: <a href="/api/v1/docs">/api/v1/docs</a>.</p>`;

/** Serves `ui` (or a page saying how to build it) for GET and HEAD of every path outside /api/. */
export function registerWebUi(app: FastifyInstance, ui: WebUi | undefined): void {
  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = decodeURIComponentSafe((request.url.split('?')[0] ?? '/').replace(/\/+$/, '')) || '/';
    if (path === '/api' || path.startsWith('/api/')) return notFoundHandler(request, reply);
    if (ui === undefined) {
      await reply.status(503).type('text/html; charset=utf-8').header('content-security-policy', WEB_UI_CSP).send(NOT_BUILT);
      return;
    }
    const file = ui.files.get(path) ?? ui.files.get('/index.html')!;
    void reply
      .type(file.type)
      .header('content-security-policy', WEB_UI_CSP)
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    await reply.send(file.body);
  };
  app.get('/', serve);
  app.get('/*', serve);
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
