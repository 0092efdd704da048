// Whether a message mentions our username: the name as a word of its own (any case), not inside
// another word, so "al" is not mentioned by "always" but is by "hey Al!" and "@al:". Usernames may
// hold spaces and punctuation: the name is matched literally, only what is around it is checked.
// One rule for the stored/evented `mention` flag and the `mention` hook (daemon-hooks.ts).

/** True when `text` says `username` as a word of its own; never for an empty or absent name. */
export function mentionsUser(text: string, username: string | undefined): boolean {
  if (username === undefined || username === '') return false;
  const escaped = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'iu').test(text);
}
