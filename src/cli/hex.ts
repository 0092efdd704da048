// Hex text ↔ bytes for the CLI, forgiving about how a capture tool formats its dump: spaces,
// newlines, colons and commas between digits, and a 0x before the whole string or each byte.

export const BAD_HEX = 'BAD_HEX';

/** Hex input that is not a whole number of bytes. `column` is 1-based in the text as given. */
export class HexError extends Error {
  override readonly name: string = 'HexError';
  readonly code = BAD_HEX;
  readonly column: number | undefined;

  constructor(message: string, column?: number) {
    super(message);
    this.column = column;
  }
}

const isSeparator = (ch: string | undefined): boolean => ch !== undefined && /[\s:,]/.test(ch);
const isHexDigit = (ch: string): boolean => /[0-9a-fA-F]/.test(ch);

export function parseHex(text: string): Uint8Array {
  let digits = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (isSeparator(ch)) continue;
    const startsToken = i === 0 || isSeparator(text[i - 1]);
    if (ch === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && startsToken) {
      i++; // a 0x prefix
      continue;
    }
    if (!isHexDigit(ch)) {
      throw new HexError(`${JSON.stringify(ch)} at character ${i + 1} is not a hex digit`, i + 1);
    }
    digits += ch;
  }
  if (digits.length === 0) throw new HexError('no hex digits given');
  if (digits.length % 2 !== 0) {
    throw new HexError(`${digits.length} hex digits is not a whole number of bytes (a digit is missing or extra)`);
  }
  // Copied out of the Buffer into a plain Uint8Array: decoded byte fields are views of the frame,
  // and a Buffer view would serialise through Buffer#toJSON instead of as hex.
  return new Uint8Array(Buffer.from(digits, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
