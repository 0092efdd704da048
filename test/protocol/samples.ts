// Builds sample messages for every layout by walking its declaration: the test side of "every
// message round-trips". Three flavours per message: everything present and large, everything
// minimal, and a mix.

import type { Codec, FieldSpec, Struct } from '../../src/protocol/layout.ts';

export type Flavour = 'full' | 'minimal' | 'mixed';

const texts = {
  full: ['Björk – Jóga ♥', '坂本龍一 戦場のメリークリスマス', 'Électro ♫ 🎧'],
  minimal: [''],
  mixed: ['alice', '@@music\\Aphex Twin\\01 - Xtal.mp3'],
};

function sampleValue(codec: Codec<unknown>, flavour: Flavour, seed: number): unknown {
  switch (codec.type) {
    case 'u8':
      return flavour === 'minimal' ? 0 : flavour === 'full' ? 255 : 1;
    case 'u16':
      return flavour === 'minimal' ? 0 : flavour === 'full' ? 65535 : 2235;
    case 'u32':
      return flavour === 'minimal' ? 0 : flavour === 'full' ? 0xffff_ffff - seed : 1234567 + seed;
    case 'i32':
      return flavour === 'minimal' ? 0 : flavour === 'full' ? -2_147_483_648 + seed : -1;
    case 'u64':
      // Above 2^32 and, for `full`, above 2^53 where a JavaScript number would lose precision.
      return flavour === 'minimal' ? 0n : flavour === 'full' ? 9_007_199_254_740_993n + BigInt(seed) : 5_368_721_465n;
    case 'bool':
      return flavour !== 'minimal';
    case 'string': {
      const options = texts[flavour];
      return options[seed % options.length];
    }
    case 'bytes':
      return flavour === 'minimal' ? new Uint8Array() : new Uint8Array([0x89, 0x50, 0x4e, 0x47, seed & 0xff]);
    case 'ip':
      return flavour === 'minimal' ? '0.0.0.0' : flavour === 'full' ? '255.254.253.252' : '192.168.1.100';
    case 'array': {
      const count = flavour === 'minimal' ? 0 : flavour === 'full' ? 3 : 1;
      return Array.from({ length: count }, (_, i) => sampleValue(codec.element!, flavour, seed + i + 1));
    }
    case 'struct':
      return sampleStruct(codec as Struct<unknown>, flavour, seed);
  }
}

export function sampleStruct(layout: Struct<unknown>, flavour: Flavour, seed = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let index = 0;
  for (const [key, spec] of Object.entries(layout.shape) as [string, FieldSpec][]) {
    index++;
    if (spec.kind === 'codec') {
      out[key] = sampleValue(spec, flavour, seed + index);
    } else if (spec.kind === 'defaulted') {
      out[key] = sampleValue(spec.codec, flavour, seed + index);
    } else if (spec.kind === 'optional') {
      // Trailing optionals: all present in `full`, all absent otherwise.
      if (flavour === 'full') out[key] = sampleValue(spec.codec, flavour, seed + index);
    } else if (spec.test(out) && (!spec.optional || flavour !== 'mixed')) {
      out[key] = sampleValue(spec.codec, flavour, seed + index);
    }
  }
  return out;
}
