// Whether a room message mentions our username: the word on its own (any case), not inside another
// word, so "al" is not mentioned by "always" but is by "hey Al!" and "@al:". Usernames may hold
// spaces and punctuation, so the name is matched literally and only its edges are checked.

const WORD = /[\p{L}\p{N}_]/u;

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD.test(char);
}

/** True when `text` says `username` as a word of its own; never for an empty or absent name. */
export function mentionsUser(text: string, username: string | undefined): boolean {
  if (username === undefined || username.trim() === '') return false;
  const haystack = text.toLocaleLowerCase('en-US');
  const needle = username.toLocaleLowerCase('en-US');
  // Bounded: the text is at most a chat message long, and each step moves past a match.
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const before = at === 0 ? undefined : haystack[at - 1];
    const after = haystack[at + needle.length];
    // The name's own edges count only if they are word characters: "-x-" is a word by itself.
    const leftOk = !isWordChar(needle[0]) || !isWordChar(before);
    const rightOk = !isWordChar(needle[needle.length - 1]) || !isWordChar(after);
    if (leftOk && rightOk) return true;
  }
  return false;
}
