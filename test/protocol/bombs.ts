// Compression bombs for tests and benchmarks: compressed peer frames whose zlib body is a long run
// of zeros, ~1/1000 of its inflated size on the wire. Built by streaming one reused buffer of
// zeros through zlib, so making a bomb never allocates what it inflates to.

import { once } from 'node:events';
import { createDeflate } from 'node:zlib';

const ZEROS = Buffer.alloc(1024 * 1024);

/** A zlib stream of `inflatedBytes` zero bytes. */
export async function zerosDeflated(inflatedBytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  for (let left = inflatedBytes; left > 0; left -= ZEROS.length) {
    if (!deflate.write(ZEROS.subarray(0, Math.min(left, ZEROS.length)))) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  return Buffer.concat(parts);
}

/** A P-connection frame (uint32 length, uint32 code, body) around a zlib body. */
export function peerFrame(code: number, body: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(4 + body.length, 0);
  header.writeUInt32LE(code, 4);
  return Buffer.concat([header, body]);
}

/** A compressed peer message (search reply 9, shares reply 5, folder contents 37) inflating to zeros. */
export async function bombFrame(code: number, inflatedBytes: number): Promise<Buffer> {
  return peerFrame(code, await zerosDeflated(inflatedBytes));
}
