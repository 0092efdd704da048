// Soulseek search words: how a path and a query are folded and split, the same way on both sides.
//
// Folding: lowercase, Unicode compatibility decomposition (NFKD), combining marks dropped, lowercase
// again (NFKD can produce capitals, e.g. "㎒" → "MHz"). So "Björk" and "BJORK" are both the word
// "bjork". Splitting: any run of characters that are neither letters nor digits separates words.

const ASCII = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}+/gu;
const ASCII_SEPARATORS = /[^a-z0-9]+/;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

/** Case- and accent-insensitive form of a text. */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  if (ASCII.test(lower)) return lower;
  return lower.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/** The words of a text (a path, a file name, a query term), folded; no empty strings. */
export function wordsOf(text: string): string[] {
  const folded = foldText(text);
  const parts = folded.split(ASCII.test(folded) ? ASCII_SEPARATORS : SEPARATORS);
  let empty = 0;
  for (const part of parts) if (part.length === 0) empty++;
  if (empty === 0) return parts;
  return parts.filter((part) => part.length > 0);
}

export interface ParsedQuery {
  /** Whole words every result must contain. */
  include: string[];
  /** Suffixes (from `*suffix`): every result must contain a word ending with each. */
  suffixes: string[];
  /** Words no result may contain (from `-term`). */
  exclude: string[];
}

/**
 * Splits a query the way Soulseek clients do: terms are separated by whitespace; `-term` excludes
 * files containing (each word of) term; `*suffix` matches words ending with suffix (a wildcard only
 * counts at the start of a term: elsewhere `*` is punctuation); anything else must match whole
 * words. A term with punctuation inside (`AC/DC`) stands for all of its words.
 */
export function parseQuery(query: string): ParsedQuery {
  const include = new Set<string>();
  const suffixes = new Set<string>();
  const exclude = new Set<string>();
  for (const term of query.split(/\s+/)) {
    if (term.length === 0) continue;
    if (term.startsWith('-')) {
      for (const word of wordsOf(term.slice(1))) exclude.add(word);
    } else if (term.startsWith('*')) {
      const words = wordsOf(term.slice(1));
      const [suffix, ...rest] = words;
      if (suffix !== undefined) suffixes.add(suffix);
      for (const word of rest) include.add(word);
    } else {
      for (const word of wordsOf(term)) include.add(word);
    }
  }
  return { include: [...include], suffixes: [...suffixes], exclude: [...exclude] };
}

/** Code-unit reversal: `a` ends with `b` exactly when reverse(a) starts with reverse(b). */
export function reverseWord(word: string): string {
  let out = '';
  for (let i = word.length - 1; i >= 0; i--) out += word[i];
  return out;
}
