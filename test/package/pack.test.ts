// The published package as a consumer gets it: `npm pack` (which builds dist/), install the
// tarball into a fresh project, then use `slsk-ts/protocol` and the `slsk` binary from there.
// This is the only test that runs the compiled dist/ instead of the TypeScript source.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { runProcess, type ProcessResult } from '../cli/run-process.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const NPM_TIMEOUT_MS = 150_000;

/** A Login request from the golden vectors (aioslsk.jsonl), so the tarball is checked against known bytes. */
const LOGIN = {
  fields: { username: 'alice', password: 'hunter2', version: 160, md5Hash: 'bb6de2fa07892f34b0e1f62df88f3384', minorVersion: 3 },
  hex: '440000000100000005000000616c6963650700000068756e74657232a000000020000000626236646532666130373839326633346230653166363264663838663333383403000000',
};

/**
 * The environment for nested npm runs, without what an outer `npm test` sets for its own script
 * (npm_lifecycle_*, npm_package_*, …), which would otherwise describe the wrong package.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

async function npm(args: readonly string[], cwd: string): Promise<ProcessResult> {
  const result = await runProcess('npm', args, { cwd, env: npmEnv(), timeoutMs: NPM_TIMEOUT_MS });
  // npm's stderr also carries harmless warnings on some machines (e.g. about a `nodedir` config),
  // so only the exit code decides; the output is there to read when it fails.
  assert.equal(result.code, 0, `npm ${args.join(' ')} exited ${result.code} (signal ${result.signal})\n${result.stdout}\n${result.stderr}`);
  return result;
}

describe('the packed package', { timeout: 180_000 }, () => {
  let workDir = '';
  let consumerDir = '';

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'slsk-ts-pack-'));
    await npm(['pack', '--pack-destination', workDir], repoRoot);
    const tarballs = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
    assert.equal(tarballs.length, 1, `one tarball in ${workDir}: ${tarballs.join(', ')}`);

    consumerDir = join(workDir, 'consumer');
    mkdirSync(consumerDir);
    writeFileSync(join(consumerDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    await npm(['install', join(workDir, tarballs[0] as string), '--no-audit', '--no-fund'], consumerDir);
  });

  after(() => {
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  test('ships dist and bin, not the TypeScript source or tests', () => {
    const installed = join(consumerDir, 'node_modules', 'slsk-ts');
    assert.ok(existsSync(join(installed, 'dist', 'protocol', 'index.js')));
    assert.ok(existsSync(join(installed, 'dist', 'protocol', 'index.d.ts')));
    assert.ok(existsSync(join(installed, 'dist', 'cli', 'main.js')));
    assert.ok(existsSync(join(installed, 'bin', 'slsk.js')));
    assert.ok(!existsSync(join(installed, 'src')), 'src/ is not published');
    assert.ok(!existsSync(join(installed, 'test')), 'test/ is not published');
  });

  test('slsk-ts/protocol resolves to dist and encodes and decodes a Login', async () => {
    const script = `
      import { decode, encode } from 'slsk-ts/protocol';
      const frame = encode('server', 'request', { name: 'Login', ...${JSON.stringify(LOGIN.fields)} });
      console.log(JSON.stringify({
        resolved: import.meta.resolve('slsk-ts/protocol'),
        hex: Buffer.from(frame).toString('hex'),
        decoded: decode('server', 'request', frame),
      }));
    `;
    writeFileSync(join(consumerDir, 'use-protocol.mjs'), script);
    // process.execPath is the pinned Node 24 the tests run on; no --conditions, as a consumer runs it.
    const result = await runProcess(process.execPath, ['use-protocol.mjs'], { cwd: consumerDir });
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { resolved: string; hex: string; decoded: unknown };
    const expectedEntry = join(realpathSync(consumerDir), 'node_modules', 'slsk-ts', 'dist', 'protocol', 'index.js');
    assert.equal(realpathSync(fileURLToPath(output.resolved)), expectedEntry);
    assert.equal(output.hex, LOGIN.hex);
    assert.deepEqual(output.decoded, { name: 'Login', ...LOGIN.fields });
  });

  test('slsk-ts/server starts a server from dist, with its runtime dependency installed', async () => {
    const script = `
      import { SoulseekServer } from 'slsk-ts/server';
      const server = await SoulseekServer.start({ port: 0, dataDir: './server-data', logLevel: 'silent', passwordCost: 1024 });
      const port = server.port;
      await server.close();
      console.log(JSON.stringify({ resolved: import.meta.resolve('slsk-ts/server'), port }));
    `;
    writeFileSync(join(consumerDir, 'use-server.mjs'), script);
    const result = await runProcess(process.execPath, ['use-server.mjs'], { cwd: consumerDir });
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { resolved: string; port: number };
    assert.match(output.resolved, /node_modules\/slsk-ts\/dist\/server\/index\.js$/);
    assert.ok(output.port > 0);
    assert.ok(existsSync(join(consumerDir, 'server-data', 'slsk-server.sqlite')));
  });

  test('the installed slsk binary runs the compiled CLI', async () => {
    const bin = join(consumerDir, 'node_modules', '.bin', 'slsk');
    const decoded = await runProcess(process.execPath, [bin, 'decode', 'server', 'request', LOGIN.hex, '--json'], { cwd: consumerDir });
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.deepEqual(JSON.parse(decoded.stdout), { name: 'Login', ...LOGIN.fields });

    const version = await runProcess(process.execPath, [bin, '--version'], { cwd: consumerDir });
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);

    const truncated = await runProcess(process.execPath, [bin, 'decode', 'server', 'request', LOGIN.hex.slice(0, -2)], { cwd: consumerDir });
    assert.equal(truncated.code, 1);
    assert.match(truncated.stderr, /BAD_LENGTH/);
  });
});
