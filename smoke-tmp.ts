import { synthesize, quantize } from './demo/audio/synth.ts';
import { encodeFlac } from './demo/audio/flac.ts';
import { decodeFlac } from './test/demo/flac-decoder.ts';
const a = synthesize('x');
const f = Buffer.from(encodeFlac([quantize(a.left,16), quantize(a.right,16)], { sampleRate: 44100, bitDepth: 16 }));
const d = decodeFlac(f);
console.log('ok', d.frameSizes.length, d.channels[0]!.every((v,i)=>v===quantize(a.left,16)[i]));
for (const at of [100, 5000, f.length - 3]) { const g = Buffer.from(f); g[at]! ^= 0x10; try { decodeFlac(g); console.log('undetected', at); } catch (e) { console.log(at, (e as Error).message); } }
