// File entries as users see them: the FileData of search replies, shares and folder listings with
// their attribute list decoded into named fields.

import { FileAttributeKey, type FileAttribute, type FileData } from '../protocol/index.ts';

export interface AudioInfo {
  /** kbit/s (lossy files). */
  bitrate?: number;
  /** Seconds. */
  duration?: number;
  /** Variable bitrate (lossy files). */
  vbr?: boolean;
  /** Hz (lossless files). */
  sampleRate?: number;
  /** Bits per sample (lossless files). */
  bitDepth?: number;
}

export interface SharedFile extends AudioInfo {
  /** The name as the sharer sends it: a full virtual path in search replies, the bare name in folder listings. */
  filename: string;
  size: bigint;
  extension: string;
  /** Only the sharer's buddies may download it. */
  locked: boolean;
  /** The raw attribute list, for keys this library does not name. */
  attributes: FileAttribute[];
}

export function decodeAttributes(attributes: readonly FileAttribute[]): AudioInfo {
  const info: AudioInfo = {};
  for (const { key, value } of attributes) {
    switch (key) {
      case FileAttributeKey.bitrate:
        info.bitrate = value;
        break;
      case FileAttributeKey.duration:
        info.duration = value;
        break;
      case FileAttributeKey.vbr:
        info.vbr = value !== 0;
        break;
      case FileAttributeKey.sampleRate:
        info.sampleRate = value;
        break;
      case FileAttributeKey.bitDepth:
        info.bitDepth = value;
        break;
    }
  }
  return info;
}

/** The attribute list other clients expect: {bitrate, duration, vbr} for lossy, {duration, sampleRate, bitDepth} for lossless. */
export function encodeAttributes(info: AudioInfo): FileAttribute[] {
  const out: FileAttribute[] = [];
  if (info.sampleRate !== undefined || info.bitDepth !== undefined) {
    if (info.duration !== undefined) out.push({ key: FileAttributeKey.duration, value: info.duration });
    if (info.sampleRate !== undefined) out.push({ key: FileAttributeKey.sampleRate, value: info.sampleRate });
    if (info.bitDepth !== undefined) out.push({ key: FileAttributeKey.bitDepth, value: info.bitDepth });
    return out;
  }
  if (info.bitrate !== undefined) out.push({ key: FileAttributeKey.bitrate, value: info.bitrate });
  if (info.duration !== undefined) out.push({ key: FileAttributeKey.duration, value: info.duration });
  if (info.bitrate !== undefined) out.push({ key: FileAttributeKey.vbr, value: info.vbr ? 1 : 0 });
  return out;
}

export function toSharedFile(file: FileData, locked: boolean): SharedFile {
  return {
    filename: file.filename,
    size: file.filesize,
    extension: file.extension,
    locked,
    attributes: file.attributes,
    ...decodeAttributes(file.attributes),
  };
}

export function toFileData(file: { filename: string; size: bigint; extension?: string } & AudioInfo): FileData {
  return { unknown: 1, filename: file.filename, filesize: file.size, extension: file.extension ?? '', attributes: encodeAttributes(file) };
}
