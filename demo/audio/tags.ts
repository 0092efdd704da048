// Track tags in the two forms the demo writes: an ID3v2.3 tag to put in front of MP3 frames, and a
// FLAC VORBIS_COMMENT metadata block. Text may hold any Unicode (accents, apostrophes, …).

import type { MetadataBlock } from './flac.ts';

export interface Tags {
  readonly title: string;
  readonly artist: string;
  readonly album: string;
  readonly track: number;
  readonly trackTotal?: number;
  readonly year: number;
  readonly genre: string;
  /** Who made the file: ID3 TSSE, the FLAC vendor string. */
  readonly encoder?: string;
}

/** Tag values end at a NUL in ID3 and a line break means nothing to a player: keep one line. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u001f]+/g, ' ').trim();
}

function trackText(tags: Tags): string {
  return tags.trackTotal === undefined ? String(tags.track) : `${tags.track}/${tags.trackTotal}`;
}

/** One ID3v2.3 text frame: ISO-8859-1 when every character fits, else UTF-16 with a byte-order mark. */
function textFrame(id: string, text: string): Buffer {
  const value = clean(text);
  const latin1 = [...value].every((char) => char.codePointAt(0)! <= 0xff);
  const body = latin1
    ? Buffer.concat([Buffer.from([0]), Buffer.from(value, 'latin1')])
    : Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from(value, 'utf16le')]);
  const header = Buffer.alloc(10);
  header.write(id, 0, 'latin1');
  header.writeUInt32BE(body.length, 4); // v2.3 frame sizes are plain, only the tag size is synchsafe
  return Buffer.concat([header, body]);
}

/** A complete ID3v2.3 tag (TIT2, TPE1, TALB, TRCK, TYER, TCON, TSSE), with `padding` zero bytes of room. */
export function id3v23(tags: Tags, padding = 256): Buffer {
  const frames = [
    textFrame('TIT2', tags.title),
    textFrame('TPE1', tags.artist),
    textFrame('TALB', tags.album),
    textFrame('TRCK', trackText(tags)),
    textFrame('TYER', String(tags.year)),
    textFrame('TCON', tags.genre),
    ...(tags.encoder === undefined ? [] : [textFrame('TSSE', tags.encoder)]),
  ];
  const size = frames.reduce((sum, frame) => sum + frame.length, 0) + padding;
  if (size >= 2 ** 28) throw new RangeError('ID3 tag too large');
  const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, (size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
  return Buffer.concat([header, ...frames, Buffer.alloc(padding)]);
}

/** The FLAC VORBIS_COMMENT block: TITLE, ARTIST, ALBUM, TRACKNUMBER, TRACKTOTAL, DATE, GENRE. */
export function vorbisComment(tags: Tags): MetadataBlock {
  const entries = [
    ['TITLE', tags.title],
    ['ARTIST', tags.artist],
    ['ALBUM', tags.album],
    ['TRACKNUMBER', String(tags.track)],
    ...(tags.trackTotal === undefined ? [] : [['TRACKTOTAL', String(tags.trackTotal)]]),
    ['DATE', String(tags.year)],
    ['GENRE', tags.genre],
  ].map(([key, value]) => Buffer.from(`${key}=${clean(value!)}`, 'utf8'));
  const lengthOf = (bytes: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    return length;
  };
  const vendor = Buffer.from(clean(tags.encoder ?? 'slsk-ts'), 'utf8');
  const count = Buffer.alloc(4);
  count.writeUInt32LE(entries.length);
  return { type: 4, body: Buffer.concat([lengthOf(vendor), vendor, count, ...entries.flatMap((entry) => [lengthOf(entry), entry])]) };
}
