// A self-contained HTML page listing the API from its OpenAPI document: no scripts, nothing fetched from
// elsewhere (the reply's Content-Security-Policy forbids it), so it works offline and leaks nothing.

import type { OpenApiDocument } from './openapi.ts';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const json = (value: unknown): string => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

export const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function docsPage(document: OpenApiDocument): string {
  const sections: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const parts = [`<h2 id="${escapeHtml(op.operationId)}"><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h2>`];
      parts.push(`<p>${escapeHtml(op.summary)} <em>(operation <code>${escapeHtml(op.operationId)}</code>, role: ${escapeHtml(op['x-role'])})</em></p>`);
      if (op.parameters.length > 0) parts.push('<h3>Parameters</h3>', json(op.parameters));
      if (op.requestBody !== undefined) parts.push('<h3>Request body</h3>', json(op.requestBody.content['application/json']?.schema));
      for (const [status, response] of Object.entries(op.responses)) {
        if (!status.startsWith('2')) continue;
        const schema = response.content === undefined ? undefined : Object.values(response.content)[0]?.schema;
        parts.push(`<h3>${escapeHtml(status)} ${escapeHtml(response.description)}</h3>`, schema === undefined ? '' : json(schema));
      }
      sections.push(`<section>${parts.join('\n')}</section>`);
    }
  }
  const toc = Object.values(document.paths)
    .flatMap((operations) => Object.values(operations))
    .map((op) => `<li><a href="#${escapeHtml(op.operationId)}">${escapeHtml(op.operationId)}</a> — ${escapeHtml(op.summary)}</li>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
section { border-top: 1px solid #ccc; }
pre { background: #f5f5f5; padding: .5rem; overflow-x: auto; font-size: 13px; }
</style>
</head>
<body>
<h1>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</h1>
<p>${escapeHtml(document.info.description)}</p>
<p>Machine-readable: <a href="openapi.json">openapi.json</a>. Every error replies {"error", "message", "field"?}.</p>
<nav><ul>
${toc}
</ul></nav>
${sections.join('\n')}
</body>
</html>
`;
}
