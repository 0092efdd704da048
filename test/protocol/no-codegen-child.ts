// Run by no-codegen.test.ts in a child process started with --disallow-code-generation-from-strings:
// loads the protocol module, decodes every golden vector and encodes it back, and prints a JSON
// report on stdout. Kept apart from the test so the flag applies to everything it imports.

import { inflateSync } from 'node:zlib';
import { decode, encode, type Channel, type Direction } from '../../src/protocol/index.ts';
import { readerMode } from '../../src/protocol/layout.ts';
import { asVectorJson, camelFields, fromHex, loadVectors, toHex } from './vectors.ts';
import { isDeepStrictEqual } from 'node:util';

let codeGeneration = 'allowed';
try {
  new Function('return 1');
} catch {
  codeGeneration = 'forbidden';
}

const failures: string[] = [];
let checked = 0;
for (const vector of loadVectors()) {
  if (vector.channel === 'file') continue;
  const label = `${vector.source} ${vector.name}`;
  try {
    const channel = vector.channel as Channel;
    const direction = vector.direction as Direction;
    const frame = fromHex(vector.frame_hex);
    const message = decode(channel, direction, frame);
    let expected = camelFields(vector.fields) as Record<string, unknown>;
    // Read signed on purpose (vectors.test.ts lists the deviation).
    if (vector.name === 'DistributedBranchLevel') expected = { ...expected, level: (expected.level as number) | 0 };
    if (!isDeepStrictEqual(asVectorJson(message), expected)) failures.push(`${label}: decoded fields differ`);
    const encoded = encode(channel, direction, message as never);
    const same =
      vector.payload_hex === undefined
        ? toHex(encoded) === vector.frame_hex
        : toHex(inflateSync(encoded.subarray(8))) === vector.payload_hex;
    if (!same) failures.push(`${label}: re-encoded bytes differ`);
    checked++;
  } catch (error) {
    failures.push(`${label}: ${(error as Error).message}`);
  }
}
console.log(JSON.stringify({ codeGeneration, readerMode: readerMode(), checked, failures }));
