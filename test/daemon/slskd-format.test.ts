// slskd's text forms, written by hand from its reference: .NET dates (7 fractional digits, Z) and
// TimeSpans, the transfer states every tool compares or Enum.Parses (including the failed ones the
// process tests do not reach), search states, and the directory key tools match on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directoryOf, dotnetDate, queryBool, searchStateText, serverStateText, timeSpan, tokenOf, transferStateText } from '../../src/daemon/slskd/format.ts';
import type { Transfer } from '../../src/transfers/index.ts';

test('dates and durations as .NET writes them', () => {
  assert.equal(dotnetDate(Date.UTC(2025, 4, 1, 12, 34, 56, 123)), '2025-05-01T12:34:56.1230000Z');
  assert.equal(dotnetDate(Date.UTC(2025, 4, 1, 0, 0, 0, 0)), '2025-05-01T00:00:00.0000000Z');
  assert.equal(timeSpan(3456), '00:00:03.4560000');
  assert.equal(timeSpan(30_000), '00:00:30.0000000');
  assert.equal(timeSpan(((26 * 60 + 3) * 60 + 4) * 1000), '1.02:03:04.0000000');
  assert.equal(timeSpan(-5), '00:00:00.0000000');
});

type State = Pick<Transfer, 'state' | 'reason' | 'retryAt' | 'direction'>;
const download = (state: Transfer['state'], reason?: string, retryAt?: number): State => ({ state, reason, retryAt, direction: 'download' });

test('transfer states: only the names of slskd\'s TransferStates, ", "-joined', () => {
  const cases: [State, string][] = [
    [download('queued'), 'Queued, Remotely'],
    [download('queued', 'Not connected'), 'Queued, Locally'],
    [{ ...download('queued'), direction: 'upload' }, 'Queued, Locally'],
    [download('requesting'), 'Requested'],
    [download('connecting'), 'Initializing'],
    [download('transferring'), 'InProgress'],
    [download('completed'), 'Completed, Succeeded'],
    [download('cancelled', 'Cancelled'), 'Completed, Cancelled'],
    // failed but tried again later: still on its way in slskd's terms
    [download('failed', 'Too many files', 1), 'Queued, Remotely'],
    [download('failed', 'User limit of 10 files', 1), 'Queued, Remotely'],
    [download('failed', 'cannot reach peer: offline', 1), 'Queued, Locally'],
    // failed for good
    [download('failed', 'File not shared.'), 'Completed, Rejected'],
    [download('failed', 'Banned'), 'Completed, Rejected'],
    [download('failed', 'the file connection timed out after 60000 ms'), 'Completed, TimedOut'],
    [download('failed', 'Remote file error'), 'Completed, Errored'],
    [download('failed'), 'Completed, Errored'],
  ];
  const firstParts = new Set(['None', 'Requested', 'Queued', 'Initializing', 'InProgress', 'Completed']);
  const secondParts = new Set(['Succeeded', 'Cancelled', 'TimedOut', 'Errored', 'Rejected', 'Aborted', 'Locally', 'Remotely']);
  for (const [transfer, expected] of cases) {
    const text = transferStateText(transfer);
    assert.equal(text, expected, JSON.stringify(transfer));
    // what the Lidarr plugins do: split on ",", trim, Enum.Parse each part
    const [first, second, extra] = text.split(',').map((part) => part.trim());
    assert.ok(firstParts.has(first!) && (second === undefined || secondParts.has(second)) && extra === undefined, text);
  }
});

test('search and server states, tokens, directories, query booleans', () => {
  assert.deepEqual(
    (['requested', 'in-progress', 'completed', 'cancelled', 'errored'] as const).map((s) => searchStateText(s)),
    ['Requested', 'InProgress', 'Completed, TimedOut', 'Completed, Cancelled', 'Completed, Errored'],
  );
  assert.equal(searchStateText('completed', 'FileLimitReached'), 'Completed, FileLimitReached');
  assert.deepEqual((['loggedIn', 'connecting', 'disconnecting', 'disconnected'] as const).map(serverStateText), ['Connected, LoggedIn', 'Connecting', 'Disconnecting', 'Disconnected']);
  assert.equal(tokenOf('1b4e28ba-2fa1-11d2-883f-0016d3cca427'), 0x1b4e28ba);
  assert.equal(tokenOf('ffffffff-2fa1-11d2-883f-0016d3cca427'), 0x7fffffff, 'a positive int32');
  assert.equal(directoryOf('@@abcde\\Music\\Artist\\Album\\01 - Track.flac'), '@@abcde\\Music\\Artist\\Album');
  assert.equal(directoryOf('music/Album/01.flac'), 'music/Album');
  assert.equal(directoryOf('01.flac'), '');
  assert.deepEqual(['True', 'true', 'TRUE', 'False', 'false'].map((v) => queryBool(v, false)), [true, true, true, false, false]);
  assert.equal(queryBool(undefined, true), true);
});
