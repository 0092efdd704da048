// What the demo network holds: its two sharing peers and the (invented) albums each one shares.
// The music is synthesized on first run (demo/audio), so nothing copyrighted ships with the repo.

import type { AlbumSpec } from './audio/library.ts';

export interface DemoPeer {
  username: string;
  albums: AlbumSpec[];
}

/** Every demo account logs in with this password; the server registers them on first login. */
export const DEMO_PASSWORD = 'demo';
/** The account the printed commands use: whoever tries the demo. */
export const VISITOR = 'visitor';
/** The account `slsk daemon` logs in as (its own: the visitor's commands would otherwise kick it off). */
export const DAEMON_USER = 'daemon';
/** The in-process user who keeps the chat room company. */
export const HOST = 'demo-host';
export const ROOM = 'lobby';

export const PEERS: readonly DemoPeer[] = [
  {
    username: 'alice',
    albums: [
      {
        artist: 'Lumen Drift',
        album: 'Night Transit',
        year: 2021,
        genre: 'Electronic',
        format: 'mp3',
        bitrate: 320,
        tracks: ['Departure Board', 'Sodium Lights', 'Last Train Home', 'Terminus'],
      },
      {
        artist: 'Aurora Static',
        album: 'Glass Weather',
        year: 2019,
        genre: 'Ambient',
        format: 'flac',
        tracks: ['Frost on the Pane', 'Low Cloud', 'Thaw'],
      },
    ],
  },
  {
    username: 'bob',
    albums: [
      {
        artist: 'The Quiet Harbour',
        album: 'Salt & Timber',
        year: 2018,
        genre: 'Folk',
        format: 'mp3',
        bitrate: 192,
        tracks: ["Fisherman's Lament", 'Driftwood', 'Lanterns', 'The Long Tide'],
      },
      {
        artist: 'Marta Ríos',
        album: "Café de l'Aube",
        year: 2022,
        genre: 'Jazz',
        format: 'mp3',
        bitrate: 256,
        tracks: ['Première Tasse', 'Rue des Martyrs', 'Soleil Tardif'],
      },
    ],
  },
];
