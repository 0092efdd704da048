// The file (F) connection has no frames: after the init message the uploader sends a raw uint32
// ticket, the downloader answers a raw uint64 offset, then the file's bytes follow.

import { DecodeError, ProtocolErrorCode } from './errors.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

export const FILE_TICKET_BYTES = 4;
export const FILE_OFFSET_BYTES = 8;

export interface FileTransferInit {
  name: 'FileTransferInit';
  ticket: number;
}

export interface FileOffset {
  name: 'FileOffset';
  /** Bytes the downloader already has. Soulseek NS may send 2^64-1 (−1) when resuming past 2 GiB. */
  offset: bigint;
}

export function encodeFileTransferInit(ticket: number): Uint8Array {
  const w = new Writer(FILE_TICKET_BYTES);
  w.u32(ticket);
  return w.finish();
}

export function decodeFileTransferInit(bytes: Uint8Array): FileTransferInit {
  expectLength(bytes, FILE_TICKET_BYTES, 'FileTransferInit');
  return { name: 'FileTransferInit', ticket: new Reader(bytes).u32() };
}

export function encodeFileOffset(offset: bigint): Uint8Array {
  const w = new Writer(FILE_OFFSET_BYTES);
  w.u64(offset);
  return w.finish();
}

export function decodeFileOffset(bytes: Uint8Array): FileOffset {
  expectLength(bytes, FILE_OFFSET_BYTES, 'FileOffset');
  return { name: 'FileOffset', offset: new Reader(bytes).u64() };
}

function expectLength(bytes: Uint8Array, expected: number, messageName: string): void {
  if (bytes.length !== expected) {
    throw new DecodeError(
      bytes.length < expected ? ProtocolErrorCode.truncated : ProtocolErrorCode.trailingBytes,
      `${messageName} is exactly ${expected} bytes, got ${bytes.length}`,
      { channel: 'file', messageName, offset: Math.min(bytes.length, expected) },
    );
  }
}
