// `npm run bench:web` in its quick run: a real headless Chromium showing 10,000 streamed results and
// 2,000 updating transfers; the JSON carries every figure with its target and verdict, and the DOM
// held only the rows on screen.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertExit, runProcess } from '../cli/run-process.ts';

const script = fileURLToPath(new URL('../../bench/web.ts', import.meta.url));

test('bench:web --quick --json: both floods measured in the page, against their targets, with only the rows on screen in the DOM', async () => {
  const run = await runProcess(process.execPath, ['--conditions=slsk-ts-source', script, '--quick', '--json'], { timeoutMs: 180_000 });
  assertExit(run, 0);
  const out = JSON.parse(run.stdout) as {
    search: { results: number; searchBoxMs: number; frames: number; frameP95Ms: number; domRows: number };
    transfers: { transfers: number; updatesPerSecond: number; frames: number; frameP95Ms: number; domRows: number };
    targets: Record<string, { target: number; actual: number; met: boolean }>;
  };
  assert.equal(out.search.results, 10_000);
  assert.equal(out.transfers.transfers, 2_000);
  assert.equal(out.transfers.updatesPerSecond, 8_000);
  for (const part of [out.search, out.transfers]) {
    assert.ok(part.frames > 10, `frames were counted: ${JSON.stringify(part)}`);
    assert.ok(part.frameP95Ms > 0);
    // Thousands of rows to scroll over, a screenful in the DOM.
    assert.ok(part.domRows > 5 && part.domRows < 100, `rows in the DOM: ${part.domRows}`);
  }
  assert.ok(out.search.searchBoxMs > 0);
  assert.deepEqual(Object.keys(out.targets).sort(), ['searchBoxMs', 'searchFrameP95Ms', 'searchLongTaskMs', 'transfersFrameP95Ms', 'transfersLongTaskMs']);
  assert.deepEqual(out.targets['searchBoxMs'], { target: 1000, actual: out.search.searchBoxMs, met: out.search.searchBoxMs < 1000 });
});
