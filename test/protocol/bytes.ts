// A tiny frame builder for tests, written separately from src/protocol/writer.ts so that a bug in
// the production encoder cannot hide itself in the expected bytes.

export type Part = Uint8Array | number[];

export const u8 = (value: number): Part => [value & 0xff];
export const u16 = (value: number): Part => [value & 0xff, (value >>> 8) & 0xff];
export const u32 = (value: number): Part => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
export const i32 = (value: number): Part => u32(value >>> 0);
export const u64 = (value: bigint): Part => {
  const out: number[] = [];
  for (let i = 0n; i < 8n; i++) out.push(Number((value >> (8n * i)) & 0xffn));
  return out;
};
export const raw = (hex: string): Part => [...Buffer.from(hex.replace(/\s+/g, ''), 'hex')];
export const utf8 = (text: string): Part => {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...u32(bytes.length), ...bytes];
};
/** A string whose bytes are given as they travel, e.g. latin-1 from a legacy client. */
export const strBytes = (bytes: number[]): Part => [...u32(bytes.length), ...bytes];

export function concat(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) out.push(...part);
  return new Uint8Array(out);
}

/** A server or peer frame: uint32 length, uint32 code, body. */
export function frame32(code: number, ...body: Part[]): Uint8Array {
  const payload = concat(u32(code), ...body);
  return concat(u32(payload.length), payload);
}

/** A peer-init or distributed frame: uint32 length, uint8 code, body. */
export function frame8(code: number, ...body: Part[]): Uint8Array {
  const payload = concat(u8(code), ...body);
  return concat(u32(payload.length), payload);
}

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
