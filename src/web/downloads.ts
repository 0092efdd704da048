// What the page says once a download was asked for: how many files were queued, and how many a
// folder download found already downloaded (those are not fetched again).

import { count } from './format.ts';

export function queuedMessage(what: string, reply: unknown): string {
  const files = (reply as { files?: { state: string }[] } | undefined)?.files;
  if (files === undefined) return `${what}: queued. Follow it in Transfers.`;
  const present = files.filter((file) => file.state === 'already-present').length;
  const queued = files.length - present;
  return `${what}: ${count(queued)} ${queued === 1 ? 'file' : 'files'} queued${present > 0 ? `, ${count(present)} already downloaded` : ''}. Follow it in Transfers.`;
}
