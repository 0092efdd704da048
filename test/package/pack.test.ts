// The published package as a consumer gets it: `npm pack` (which builds dist/), install the
// tarball into a fresh project, then use it from there: type-check the README's library examples in
// a strict project that has only what the package declares, run each of them against a local
// network, use `slsk-ts/protocol`, `slsk-ts/server` and the `slsk` binary. This is the only test
// that runs the compiled dist/ instead of the TypeScript source.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { runProcess, type ProcessResult } from '../cli/run-process.ts';
import { prepareExample, readmeExamples, startExampleNetwork, type ExampleNetwork } from './readme-examples.ts';

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

/** Our tsconfig's strictness, for a fresh consumer project that lists no global types at all. */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'es2024',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    // What `tsc --init` writes since TypeScript 5.9: no ambient types unless asked for. The
    // package must bring Node's types itself.
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    noFallthroughCasesInSwitch: true,
    // Our declaration files are checked too, not trusted.
    skipLibCheck: false,
    noEmit: true,
  },
  include: ['*.ts'],
};

/** The repository's TypeScript compiler (the consumer project installs nothing but the tarball). */
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

describe('the packed package', { timeout: 180_000 }, () => {
  let workDir = '';
  let consumerDir = '';
  let installed = '';
  let packedFiles: string[] = [];
  let network: ExampleNetwork | undefined;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'slsk-ts-pack-'));
    const packed = await npm(['pack', '--json', '--pack-destination', workDir], repoRoot);
    packedFiles = (JSON.parse(packed.stdout) as [{ files: { path: string }[] }])[0].files.map((file) => file.path);
    const tarballs = readdirSync(workDir).filter((name) => name.endsWith('.tgz'));
    assert.equal(tarballs.length, 1, `one tarball in ${workDir}: ${tarballs.join(', ')}`);

    consumerDir = join(workDir, 'consumer');
    mkdirSync(consumerDir);
    writeFileSync(join(consumerDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    await npm(['install', join(workDir, tarballs[0] as string), '--prefer-offline', '--no-audit', '--no-fund'], consumerDir);
    installed = join(consumerDir, 'node_modules', 'slsk-ts');
    network = await startExampleNetwork();
  });

  after(async () => {
    await network?.close();
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  test('ships the MIT LICENSE that package.json names', () => {
    assert.ok(packedFiles.includes('LICENSE'), `LICENSE is in the tarball: ${packedFiles.filter((f) => !f.startsWith('dist/')).join(', ')}`);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { license: string };
    assert.equal(manifest.license, 'MIT');
    const license = readFileSync(join(installed, 'LICENSE'), 'utf8');
    assert.match(license, /^MIT License\n/);
    assert.match(license, /Copyright \(c\) \d{4} slsk-ts contributors/);
  });

  test('no source map points at a file the package does not ship', () => {
    const files = filesUnder(installed);
    const missing: string[] = [];
    for (const file of files) {
      const path = join(installed, file);
      if (file.endsWith('.js') || file.endsWith('.d.ts')) {
        for (const [, url] of readFileSync(path, 'utf8').matchAll(/^\/\/# sourceMappingURL=(\S+)$/gm)) {
          if (!url!.startsWith('data:') && !existsSync(resolve(dirname(path), url!))) missing.push(`${file} -> ${url}`);
        }
      }
      if (file.endsWith('.map')) {
        const map = JSON.parse(readFileSync(path, 'utf8')) as { sources?: string[]; sourceRoot?: string; sourcesContent?: (string | null)[] };
        (map.sources ?? []).forEach((source, i) => {
          const embedded = typeof map.sourcesContent?.[i] === 'string';
          if (!embedded && !existsSync(resolve(dirname(path), map.sourceRoot ?? '', source))) missing.push(`${file} -> ${source}`);
        });
      }
    }
    assert.deepEqual(missing, [], 'every source map, and every file a map names, is in the package');
  });

  test('the README library examples type-check in a strict project with only what the package declares', async () => {
    writeFileSync(join(consumerDir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    // As written in the README: a user copies these.
    for (const example of readmeExamples()) writeFileSync(join(consumerDir, `readme-${example.name}.ts`), example.code);
    const result = await runProcess(process.execPath, [tsc, '-p', consumerDir], { cwd: consumerDir, timeoutMs: 120_000 });
    assert.equal(result.code, 0, `tsc found errors in a fresh strict project using the package:\n${result.stdout}${result.stderr}`);
  });

  for (const example of readmeExamples()) {
    test(`the README ${example.name} example runs from the installed package`, async () => {
      assert.ok(network !== undefined);
      const runDir = join(consumerDir, `run-${example.name}`);
      mkdirSync(runDir);
      const prepared = prepareExample(example, network, runDir);
      writeFileSync(join(runDir, 'example.ts'), prepared.code);
      // No --conditions: the package resolves to dist/, as it does for a user.
      prepared.check(await runProcess(process.execPath, ['example.ts'], { cwd: runDir, timeoutMs: 60_000 }));
    });
  }

  test('ships dist, bin and the built web UI, not the TypeScript source or tests', () => {
    assert.ok(existsSync(join(installed, 'web', 'index.html')), 'the web UI, built by prepack, where the daemon looks for it');
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
