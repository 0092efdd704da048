// Deterministic music for the demo libraries: a few bars of pad chords, a bass line and an arpeggio,
// all chosen from a seed, so each track sounds different yet comes out bit-identical on every run.

import { mulberry32 } from '../../test/support/seeded-random.ts';

/** Stereo audio as floats in [-1, 1]; `frames` samples per channel. */
export interface Track {
  readonly sampleRate: number;
  readonly frames: number;
  readonly left: Float32Array;
  readonly right: Float32Array;
}

/** What a seed decides: the tempo, key, chords and arpeggio of one track, and so its length. */
export interface TrackPlan {
  readonly bpm: number;
  readonly bars: number;
  /** MIDI note of the key's root, in the octave the pad plays in. */
  readonly root: number;
  readonly scale: readonly number[];
  readonly progression: readonly number[];
  readonly arpeggio: readonly number[];
  readonly stepsPerBar: 8 | 16;
  readonly arpeggioTimbre: Float32Array;
  readonly seconds: number;
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10];
const MAJOR_PROGRESSIONS = [[0, 4, 5, 3], [0, 5, 3, 4], [0, 3, 0, 4], [5, 3, 0, 4], [0, 2, 3, 4]];
const MINOR_PROGRESSIONS = [[0, 5, 2, 6], [0, 3, 4, 0], [0, 6, 5, 6], [0, 5, 3, 4], [0, 2, 5, 4]];
/** Indexes into a chord's tones spread over two octaves (0–2 the triad, 3–5 an octave up). */
const ARPEGGIOS = [[0, 1, 2, 3, 4, 3, 2, 1], [0, 2, 1, 3, 2, 4, 3, 5], [0, 1, 2, 1, 3, 2, 4, 2], [5, 4, 3, 2, 1, 2, 3, 4], [0, 2, 4, 2, 1, 3, 5, 3]];
/** Seconds after the last bar for the closing chord to ring out. */
const TAIL_SECONDS = 1.5;
const HEADROOM = 0.89; // about -1 dBFS, so encoders never clip

const TABLE_SIZE = 4096;

/** One cycle of a tone from its harmonics' amplitudes, with a guard sample for interpolation. */
function wavetable(harmonics: readonly number[]): Float32Array {
  const table = new Float32Array(TABLE_SIZE + 1);
  let peak = 0;
  for (let i = 0; i <= TABLE_SIZE; i++) {
    let value = 0;
    harmonics.forEach((amplitude, h) => (value += amplitude * Math.sin((2 * Math.PI * (h + 1) * i) / TABLE_SIZE)));
    table[i] = value;
    peak = Math.max(peak, Math.abs(value));
  }
  for (let i = 0; i <= TABLE_SIZE; i++) table[i]! /= peak;
  return table;
}

// Few harmonics on purpose: the highest arpeggio notes times the top harmonic stay under 22 kHz.
const SAW = wavetable([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6]);
const SQUARE = wavetable([1, 0, 1 / 3, 0, 1 / 5]);
const PAD = wavetable([1, 0, 1 / 9, 0, 1 / 25]);
const BASS = wavetable([1, 0.45, 0.15, 0.05]);

/** FNV-1a over the UTF-16 code units: a stable number from any seed string. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) value = Math.imul(value ^ text.charCodeAt(i), 0x01000193);
  return value >>> 0;
}

export function planTrack(seed: string): TrackPlan {
  const random = mulberry32(hash(seed));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const minor = random() < 0.5;
  const bpm = 84 + Math.floor(random() * 45);
  const bars = 3 + Math.floor(random() * 3);
  return {
    bpm,
    bars,
    root: 48 + Math.floor(random() * 12),
    scale: minor ? MINOR : MAJOR,
    progression: pick(minor ? MINOR_PROGRESSIONS : MAJOR_PROGRESSIONS),
    arpeggio: pick(ARPEGGIOS),
    stepsPerBar: random() < 0.5 ? 8 : 16,
    arpeggioTimbre: random() < 0.6 ? SAW : SQUARE,
    // 3–5 bars at 84–128 bpm plus the tail: 7.1 to 15.8 seconds.
    seconds: (bars * 4 * 60) / bpm + TAIL_SECONDS,
  };
}

/** Samples per channel of the seed's track at `sampleRate`, without synthesizing it. */
export function trackFrames(seed: string, sampleRate: number): number {
  return Math.round(planTrack(seed).seconds * sampleRate);
}

interface Voice {
  table: Float32Array;
  frequency: number;
  gain: number;
  /** 0 is hard left, 1 hard right. */
  pan: number;
  attack: number;
  /** Time constant of the fall from the peak towards `sustain`. */
  decay: number;
  sustain: number;
  release: number;
}

function frequency(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/** Adds one note (held `held` seconds from `start`, then released) into the two channels. */
function addNote(track: Track, voice: Voice, start: number, held: number): void {
  const rate = track.sampleRate;
  const first = Math.round(start * rate);
  const heldFrames = Math.round(held * rate);
  const releaseFrames = Math.max(1, Math.round(voice.release * rate));
  const last = Math.min(track.frames, first + heldFrames + releaseFrames);
  const left = voice.gain * Math.cos((voice.pan * Math.PI) / 2);
  const right = voice.gain * Math.sin((voice.pan * Math.PI) / 2);
  const step = (voice.frequency * TABLE_SIZE) / rate;
  const attackFrames = Math.max(1, voice.attack * rate);
  const fall = Math.exp(-1 / (voice.decay * rate));
  let phase = 0;
  let decaying = 1; // (level - sustain) / (1 - sustain) after the attack
  let level = 0;
  for (let i = first, t = 0; i < last; i++, t++) {
    if (t < attackFrames) level = t / attackFrames;
    else {
      decaying *= fall;
      level = voice.sustain + (1 - voice.sustain) * decaying;
    }
    if (t >= heldFrames) level *= 1 - (t - heldFrames) / releaseFrames;
    const index = phase | 0;
    const a = voice.table[index]!;
    const sample = (a + (voice.table[index + 1]! - a) * (phase - index)) * level;
    track.left[i]! += sample * left;
    track.right[i]! += sample * right;
    phase += step;
    if (phase >= TABLE_SIZE) phase -= TABLE_SIZE;
  }
}

/** The seed's track: pads and bass follow the chords, the arpeggio runs over them, a tonic chord ends it. */
export function synthesize(seed: string, sampleRate = 44100): Track {
  const plan = planTrack(seed);
  const frames = Math.round(plan.seconds * sampleRate);
  const track: Track = { sampleRate, frames, left: new Float32Array(frames), right: new Float32Array(frames) };
  const bar = (4 * 60) / plan.bpm;
  const degree = (d: number): number => plan.scale[d % 7]! + 12 * Math.floor(d / 7);
  const chord = (d: number): number[] => [degree(d), degree(d + 2), degree(d + 4)];

  const pad = (midi: number, start: number, held: number, release: number): void => {
    // Two voices a few cents apart, one per side, make the pad wide rather than centred.
    for (const [pan, cents] of [[0.2, -4], [0.8, 4]] as const) {
      const voice = { table: PAD, frequency: frequency(midi + cents / 100), gain: 0.11, pan, attack: 0.25, decay: 0.9, sustain: 0.6, release };
      addNote(track, voice, start, held);
    }
  };
  const bass = (midi: number, start: number, held: number): void =>
    addNote(track, { table: BASS, frequency: frequency(midi), gain: 0.32, pan: 0.5, attack: 0.01, decay: 0.35, sustain: 0.45, release: 0.12 }, start, held);

  for (let b = 0; b < plan.bars; b++) {
    const start = b * bar;
    const tones = chord(plan.progression[b % plan.progression.length]!);
    for (const tone of tones) pad(plan.root + tone, start, bar * 0.92, 0.5);
    bass(plan.root - 12 + tones[0]!, start, bar / 2 - 0.05);
    bass(plan.root - 12 + (b % 2 === 0 ? tones[0]! : tones[2]! - 12), start + bar / 2, bar / 2 - 0.05);
    const spread = [...tones, ...tones.map((tone) => tone + 12)];
    const step = bar / plan.stepsPerBar;
    for (let s = 0; s < plan.stepsPerBar; s++) {
      const note = plan.root + 12 + spread[plan.arpeggio[s % plan.arpeggio.length]!]!;
      const voice = { table: plan.arpeggioTimbre, frequency: frequency(note), gain: 0.14, pan: s % 2 === 0 ? 0.3 : 0.7, attack: 0.004, decay: 0.16, sustain: 0, release: 0.06 };
      addNote(track, voice, start + s * step, step * 1.4);
    }
  }
  const end = plan.bars * bar;
  for (const tone of chord(0)) pad(plan.root + tone, end, 0.2, TAIL_SECONDS - 0.3);
  bass(plan.root - 12, end, 0.3);

  let peak = 0;
  for (let i = 0; i < frames; i++) peak = Math.max(peak, Math.abs(track.left[i]!), Math.abs(track.right[i]!));
  const gain = peak > 0 ? HEADROOM / peak : 0;
  for (let i = 0; i < frames; i++) {
    track.left[i]! *= gain;
    track.right[i]! *= gain;
  }
  return track;
}

/** Integer samples at `bits` per sample (16 or 24), for the encoders. */
export function quantize(samples: Float32Array, bits: 16 | 24): Int32Array {
  const full = 2 ** (bits - 1) - 1;
  const out = new Int32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-full - 1, Math.min(full, Math.round(samples[i]! * full)));
  return out;
}
