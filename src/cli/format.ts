// Human-readable values and tables for the client commands: sizes, speeds, lengths, audio quality,
// clock times, and plain-text tables whose columns line up.

import type { AudioInfo } from '../client/index.ts';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 11744051 → "11.2 MiB"; whole bytes below 1 KiB. Takes the uint64 sizes as bigint. */
export function humanSize(bytes: bigint | number): string {
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** An average upload speed in bytes/s, as "1.5 MiB/s"; "-" when unknown (0). */
export function humanSpeed(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${humanSize(Math.round(bytesPerSecond))}/s` : '-';
}

/** 293 → "4:53", 3723 → "1:02:03". */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** "320 kbps", "245 kbps VBR", "44.1 kHz/16 bit", or "" when the sharer sent nothing. */
export function audioQuality(file: AudioInfo): string {
  if (file.sampleRate !== undefined || file.bitDepth !== undefined) {
    const rate = file.sampleRate !== undefined ? `${Number((file.sampleRate / 1000).toFixed(1))} kHz` : '';
    const depth = file.bitDepth !== undefined ? `${file.bitDepth} bit` : '';
    return [rate, depth].filter((part) => part !== '').join('/');
  }
  if (file.bitrate !== undefined) return `${file.bitrate} kbps${file.vbr === true ? ' VBR' : ''}`;
  return '';
}

/** The local wall-clock time as HH:MM:SS, for chat lines. */
export function clockTime(date: Date): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export interface Column {
  readonly header: string;
  /** Numbers read best right-aligned. */
  readonly align?: 'left' | 'right';
}

/**
 * Rows under a header, columns separated by two spaces; the last column is not padded, so long
 * paths do not leave trailing blanks. `paintHeader` styles the header line after it was measured.
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[], paintHeader: (text: string) => string = (t) => t): string {
  const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1 && columns[i]?.align !== 'right') return cell;
        return columns[i]?.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join('  ');
  const header = paintHeader(line(columns.map((column) => column.header)));
  return [header, ...rows.map(line)].join('\n') + '\n';
}

/** "1 file", "2 files". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * A path (or any text) for human output, in single quotes as a shell takes it back: backslashes
 * stay single (`'Music\Album\01.mp3'`, not JSON's `"Music\\Album\\01.mp3"`), so it can be pasted
 * into the next command; a single quote inside becomes '\''.
 */
export function quoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * A remote path as typed on the command line, in the form Soulseek uses: folders separated by
 * backslashes. `/` is taken as a separator too (no shared name can contain it), so
 * `Music/Album/01.mp3` works as well as `'Music\Album\01.mp3'`.
 */
export function remotePath(text: string): string {
  return text.replaceAll('/', '\\');
}
