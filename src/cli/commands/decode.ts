// `slsk decode`: hex frames from a capture or a log → JSON messages, with errors that say where
// the bytes stopped making sense and what to try next.

import type { Command } from '../command.ts';

const help = `Decode Soulseek frames from hex into JSON.

Usage: slsk decode <channel> <direction> [hex...] [--json | --pretty]

Arguments:
  channel     server | peer-init | peer | distributed | file
                server       the client <-> server connection
                peer-init    the first message on a peer connection (PeerInit, PeerPierceFirewall)
                peer         messages on a P connection
                distributed  messages on a D (distributed search) connection
                file         an F connection: the raw 4-byte ticket or 8-byte offset
  direction   request | response | both
                server: request = client -> server, response = server -> client
                other channels: ignored, give "both"
  hex         one whole frame, its 4-byte length prefix included (the file channel has none).
              Spaces, newlines, colons, commas and 0x prefixes are ignored.
              Without it, or with "-", frames are read from stdin, one per line;
              blank lines and lines starting with # are skipped.

Options:
  --json      compact JSON Lines; a frame that fails prints {"error": {...}} on its own
              line of stdout, so output line N is always input frame N
  --pretty    indented JSON, also for frames read from stdin
  -h, --help  show this help

Output:
  One JSON object per frame: {"name": ..., ...fields}. uint64 values are decimal strings,
  byte fields are hex. A frame given as an argument prints indented, stdin prints one per line.
  Errors go to stderr (stdout with --json) with the byte offset and a hint.

Exit status: 0 every frame decoded, 1 some frame did not, 2 the command line is wrong.

Examples:
  slsk decode server request 0800000002000000ba080000     SetListenPort, port 2234
  slsk decode peer-init both 050000000087d61200           PeerPierceFirewall, ticket 1234567
  slsk decode file both 0000e00100000000                  FileOffset 31457280
  slsk decode server response --json < frames.hex         one result per line
`;

export const decodeCommand: Command = {
  usage: 'slsk decode <channel> <direction> [hex...] [--json | --pretty]',
  help,
  // The protocol codec (and zlib under it) loads only when there is something to decode.
  run: async (argv, io) => (await import('./decode-frames.ts')).runDecode(argv, io),
};

