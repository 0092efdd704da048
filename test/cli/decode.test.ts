// `slsk` and `slsk decode` run as real child processes: help, decoding, stdin JSON Lines, the
// error reports and exit codes (0 decoded, 1 a frame failed, 2 bad command line).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { jsonLines, assertExit, runSlsk, type ProcessResult } from './run-process.ts';

interface Vector {
  channel: string;
  direction: string;
  name: string;
  fields: Record<string, unknown>;
  frame_hex: string;
}

const vectors: Vector[] = readFileSync(new URL('../fixtures/vectors/aioslsk.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Vector);

const camelCase = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).map(([key, value]) => [camelCase(key), value]));

const SET_LISTEN_PORT = '0800000002000000ba080000';
const PIERCE_FIREWALL = '050000000087d61200';

describe('slsk', { concurrency: true }, () => {
  test('--help, help and no arguments list every command with an example', async () => {
    for (const args of [['--help'], ['help'], []]) {
      const result = await runSlsk(args);
      assertExit(result, 0);
      assert.match(result.stdout, /decode\s+Decode hex frames/);
      assert.match(result.stdout, /slsk decode server request 0800000002000000ba080000/);
    }
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runSlsk(['--version']);
    assertExit(result, 0);
    assert.equal(result.stdout, `${version}\n`);
  });

  test('an unknown command exits 2 and names the commands there are', async () => {
    const result = await runSlsk(['frobnicate']);
    assertExit(result, 2);
    assert.match(result.stderr, /unknown command "frobnicate"/);
    assert.match(result.stderr, /decode/);
    assert.equal(result.stdout, '');
  });

  test('an unknown option exits 2', async () => {
    assertExit(await runSlsk(['--frobnicate']), 2);
    const result = await runSlsk(['decode', 'server', 'request', '--frobnicate', SET_LISTEN_PORT]);
    assertExit(result, 2);
    assert.match(result.stderr, /--frobnicate/);
    assert.match(result.stderr, /slsk decode --help/);
  });
});

describe('slsk decode', { concurrency: true }, () => {
  test('--help and help decode show usage with examples', async () => {
    for (const args of [['decode', '--help'], ['decode', '-h'], ['help', 'decode']]) {
      const result = await runSlsk(args);
      assertExit(result, 0);
      assert.match(result.stdout, /Usage: slsk decode <channel> <direction>/);
      assert.match(result.stdout, /slsk decode server request 0800000002000000ba080000/);
      assert.match(result.stdout, /slsk decode peer-init both 050000000087d61200/);
    }
  });

  test('decodes one frame into indented JSON', async () => {
    const result = await runSlsk(['decode', 'server', 'request', SET_LISTEN_PORT]);
    assertExit(result, 0);
    assert.deepEqual(JSON.parse(result.stdout), { name: 'SetListenPort', listeningPort: 2234 });
    assert.match(result.stdout, /\n {2}"listeningPort": 2234\n/, 'indented for a person');
    assert.equal(result.stderr, '');
  });

  test('decodes golden vectors to their fields', async () => {
    const picks = [
      vectors.find((v) => v.name === 'Login' && v.direction === 'request' && v.fields['username'] === 'Björk_fan'),
      vectors.find((v) => v.name === 'Login' && v.direction === 'response' && v.fields['result'] === false),
      vectors.find((v) => v.channel === 'peer-init' && v.name === 'PeerInit'),
    ];
    for (const vector of picks) {
      assert.ok(vector, 'vector present in the fixtures');
      const result = await runSlsk(['decode', vector.channel, vector.direction, vector.frame_hex]);
      assertExit(result, 0);
      assert.deepEqual(JSON.parse(result.stdout), { name: vector.name, ...camelKeys(vector.fields) });
    }
  });

  test('--json prints one compact line', async () => {
    const result = await runSlsk(['decode', 'peer-init', 'both', PIERCE_FIREWALL, '--json']);
    assertExit(result, 0);
    assert.equal(result.stdout, '{"name":"PeerPierceFirewall","ticket":1234567}\n');
  });

  test('hex may be split over arguments, with spaces, colons and 0x', async () => {
    const result = await runSlsk(['decode', 'server', 'request', '0x08 00:00:00', '0x02', '00 00 00', 'BA08', '0000']);
    assertExit(result, 0);
    assert.deepEqual(JSON.parse(result.stdout), { name: 'SetListenPort', listeningPort: 2234 });
  });

  test('the file channel tells the ticket and the offset apart by size', async () => {
    const ticket = await runSlsk(['decode', 'file', 'both', '87d61200']);
    assertExit(ticket, 0);
    assert.deepEqual(JSON.parse(ticket.stdout), { name: 'FileTransferInit', ticket: 1234567 });

    const offset = await runSlsk(['decode', 'file', 'both', '0000e00100000000']);
    assertExit(offset, 0);
    assert.deepEqual(JSON.parse(offset.stdout), { name: 'FileOffset', offset: '31457280' });

    const neither = await runSlsk(['decode', 'file', 'both', '87d612']);
    assertExit(neither, 1);
    assert.match(neither.stderr, /BAD_LENGTH/);
    assert.match(neither.stderr, /4 bytes .*or 8 bytes/);
  });

  test('uint64 values print as decimal strings, exact above 2^53', async () => {
    const result = await runSlsk(['decode', 'file', 'both', '0100000000002000', '--json']);
    assertExit(result, 0);
    assert.equal(result.stdout, '{"name":"FileOffset","offset":"9007199254740993"}\n');
  });

  test('byte fields print as hex', async () => {
    const vector = vectors.find((v) => v.name === 'PeerUserInfoReply' && v.fields['has_picture'] === true);
    assert.ok(vector);
    const result = await runSlsk(['decode', 'peer', 'both', vector.frame_hex, '--json']);
    assertExit(result, 0);
    const message = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(message['picture'], vector.fields['picture']);
  });

  test('a truncated frame exits 1 with the code, message, byte offset and a hint', async () => {
    // SetListenPort whose length prefix matches, but the port is cut to 2 of its 4 bytes.
    const result = await runSlsk(['decode', 'server', 'request', '0600000002000000ba08']);
    assertExit(result, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /TRUNCATED/);
    assert.match(result.stderr, /SetListenPort \(code 2\) at byte 8/);
    assert.match(result.stderr, /hint:/);
  });

  test('a frame shorter than its length prefix says so', async () => {
    const result = await runSlsk(['decode', 'server', 'request', '0800000002000000ba08']);
    assertExit(result, 1);
    assert.match(result.stderr, /BAD_LENGTH/);
    assert.match(result.stderr, /cut short/);
  });

  test('a frame read in the wrong direction suggests the one where it decodes', async () => {
    const result = await runSlsk(['decode', 'server', 'response', SET_LISTEN_PORT]);
    assertExit(result, 1);
    assert.match(result.stderr, /UNKNOWN_CODE/);
    assert.match(result.stderr, new RegExp(`slsk decode server request ${SET_LISTEN_PORT}`));
  });

  test('bad hex exits 1 and points at the character', async () => {
    const result = await runSlsk(['decode', 'server', 'request', '0800zz']);
    assertExit(result, 1);
    assert.match(result.stderr, /BAD_HEX/);
    assert.match(result.stderr, /character 5/);
  });

  test('--json reports an error as JSON on stdout', async () => {
    const result = await runSlsk(['decode', 'server', 'request', '0600000002000000ba08', '--json']);
    assertExit(result, 1);
    const [line] = jsonLines(result.stdout) as { error: Record<string, unknown> }[];
    assert.ok(line);
    const { message, hint, ...where } = line.error;
    assert.match(String(message), /^TRUNCATED in server SetListenPort \(code 2\) at byte 8: /);
    assert.match(String(hint), /channel and direction/);
    assert.deepEqual(where, {
        code: 'TRUNCATED',
        offset: 8,
        messageName: 'SetListenPort',
        messageCode: 2,
        channel: 'server',
        direction: 'request',
        frameBytes: 10,
    });
  });

  test('usage mistakes exit 2 and list the valid values', async () => {
    const channel = await runSlsk(['decode', 'serverr', 'request', SET_LISTEN_PORT]);
    assertExit(channel, 2);
    assert.match(channel.stderr, /server, peer-init, peer, distributed, file/);

    const direction = await runSlsk(['decode', 'server', 'up', SET_LISTEN_PORT]);
    assertExit(direction, 2);
    assert.match(direction.stderr, /request .*response .*both/);

    const serverBoth = await runSlsk(['decode', 'server', 'both', SET_LISTEN_PORT]);
    assertExit(serverBoth, 2);
    assert.match(serverBoth.stderr, /request \(client -> server\) or response \(server -> client\)/);

    const missing = await runSlsk(['decode']);
    assertExit(missing, 2);
    assert.match(missing.stderr, /missing <channel> and <direction>/);
  });
});

describe('slsk decode from stdin', { concurrency: true }, () => {
  const input = [
    '# captured on port 2242',
    SET_LISTEN_PORT,
    '',
    '0600000002000000ba08', // truncated
    '08000000 02000000 zz', // bad hex
    '   0x0800000002000000bb080000   ',
  ].join('\n');

  test('--json prints one line per frame, errors in place, and exits 1', async () => {
    const result = await runSlsk(['decode', 'server', 'request', '--json'], { input });
    assertExit(result, 1);
    const lines = jsonLines(result.stdout) as Record<string, Record<string, unknown>>[];
    assert.equal(lines.length, 4, 'one output line per frame, comments and blank lines skipped');
    assert.deepEqual(lines[0], { name: 'SetListenPort', listeningPort: 2234 });
    assert.equal(lines[1]?.['error']?.['code'], 'TRUNCATED');
    assert.equal(lines[1]?.['error']?.['line'], 4);
    assert.equal(lines[2]?.['error']?.['code'], 'BAD_HEX');
    assert.equal(lines[2]?.['error']?.['line'], 5);
    assert.deepEqual(lines[3], { name: 'SetListenPort', listeningPort: 2235 });
  });

  test('without --json, good frames go to stdout as JSON Lines and errors to stderr by line', async () => {
    const result = await runSlsk(['decode', 'server', 'request', '-'], { input });
    assertExit(result, 1);
    assert.deepEqual(jsonLines(result.stdout), [
      { name: 'SetListenPort', listeningPort: 2234 },
      { name: 'SetListenPort', listeningPort: 2235 },
    ]);
    assert.match(result.stderr, /line 4: TRUNCATED/);
    assert.match(result.stderr, /line 5: BAD_HEX/);
  });

  test('every golden vector of a channel decodes in one run, exit 0', async () => {
    const groups = new Map<string, Vector[]>();
    for (const vector of vectors) {
      const key = `${vector.channel} ${vector.direction}`;
      groups.set(key, [...(groups.get(key) ?? []), vector]);
    }
    for (const [key, group] of groups) {
      const result = await runSlsk(['decode', ...key.split(' '), '--json'], {
        input: group.map((v) => v.frame_hex).join('\n') + '\n',
      });
      assertExit(result, 0);
      const names = (jsonLines(result.stdout) as { name: string }[]).map((message) => message.name);
      assert.deepEqual(names, group.map((v) => v.name), key);
    }
  });
});
