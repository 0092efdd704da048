// The settings the schema (and daemon.example.yaml) calls changeable at runtime are exactly the ones
// the daemon knows how to apply live: PATCH /api/v1/options refuses the others, so the two lists
// must not drift apart.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDaemonConfig, RUNTIME_SETTINGS } from '../../src/daemon/config/index.ts';
import { runtimeAppliers } from '../../src/daemon/runtime-appliers.ts';
import type { DestinationLayout } from '../../src/transfers/destination.ts';

test('every [runtime] setting has an applier, and every applier a [runtime] setting', async () => {
  const layouts: DestinationLayout[] = [];
  // The parts are only reached when a setting is applied; this test applies downloads.layout only.
  const appliers = runtimeAppliers({ manager: {} as never, shares: {} as never, searches: {} as never, logs: {} as never, setLayout: (layout) => layouts.push(layout) });
  assert.deepEqual(Object.keys(appliers).sort(), [...RUNTIME_SETTINGS].sort());

  const { config } = await loadDaemonConfig({ env: { SLSK_DATA: '/nonexistent/slsk-test' }, cwd: '/', argv: ['--downloads.layout', 'by-user'] });
  await appliers['downloads.layout']!(config);
  assert.deepEqual(layouts, ['by-user']);
});
