// How numbers read on screen: sizes in binary units, counts with separators, times of day.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function bytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export const count = (n: number): string => n.toLocaleString('en-US');

export const time = (iso: string): string => new Date(iso).toLocaleString();

/** "1 file", "2 files". */
export const plural = (n: number, noun: string): string => `${count(n)} ${n === 1 ? noun : `${noun}s`}`;
