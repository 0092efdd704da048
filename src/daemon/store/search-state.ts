// A search's life, explicit: what it may become from each state. The store refuses any other move,
// so a late response handler cannot reopen a cancelled search.

export const SEARCH_STATES = ['requested', 'in-progress', 'completed', 'cancelled', 'errored'] as const;
export type SearchState = (typeof SEARCH_STATES)[number];

export const SEARCH_SCOPES = ['network', 'room', 'buddies', 'user'] as const;
export type SearchScope = (typeof SEARCH_SCOPES)[number];

const NEXT: Readonly<Record<SearchState, readonly SearchState[]>> = {
  requested: ['in-progress', 'cancelled', 'errored'],
  'in-progress': ['completed', 'cancelled', 'errored'],
  completed: [],
  cancelled: [],
  errored: [],
};

export const isFinished = (state: SearchState): boolean => NEXT[state].length === 0;

/** The state after `from` → `to`, or undefined when that move is impossible. */
export function searchTransition(from: SearchState, to: SearchState): SearchState | undefined {
  return NEXT[from].includes(to) ? to : undefined;
}
