#!/usr/bin/env node
// The `slsk` launcher: checks the Node version, then runs the CLI from the TypeScript source in a
// checkout of the repo, or from the compiled dist/ in an installed package (which ships no src/).
// Kept to syntax old Node versions can parse, so they reach the version message below.

import { existsSync } from 'node:fs';
import module from 'node:module';

const REQUIRED_NODE_MAJOR = 24;
const nodeMajor = Number(process.versions.node.split('.')[0]);

if (nodeMajor < REQUIRED_NODE_MAJOR) {
  process.stderr.write(
    `slsk needs Node.js ${REQUIRED_NODE_MAJOR} or newer, but this is Node.js ${process.versions.node} (${process.execPath}).\n` +
      `In the slsk-ts repository, run it with the pinned Node: 'npx slsk ...' or through npm scripts.\n` +
      `Elsewhere, install Node.js ${REQUIRED_NODE_MAJOR} (https://nodejs.org) or put it first on PATH.\n`,
  );
  process.exit(1);
}

// Start-up is most of a short command's time: keep the compiled code (and, from source, the code
// with its types stripped) in Node's on-disk cache, so later runs skip that work.
module.enableCompileCache?.();

const source = new URL('../src/cli/main.ts', import.meta.url);
const entry = existsSync(source) ? source : new URL('../dist/cli/main.js', import.meta.url);
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));

// The command is done once main resolves: exit now, with everything it printed written out, rather
// than wait for what a peer keeps open (a file connection the uploader never closes), a timer, or
// any other handle that is no longer the command's business.
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
