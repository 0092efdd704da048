// Runs slsk-client (npm, an independent Soulseek client) in its own process for interop.test.ts:
// the library keeps its connection, peers and searches in module-level state, so one client per
// process. Driven over IPC; reports what the library reports, plus one probe described below.
//
// Config comes as JSON in argv[2]: { user, pass, host, port, incomingPort, timeout }.

'use strict';

const slsk = require('slsk-client');
// Deep requires resolve to the same module instances slsk-client itself uses.
const Listen = require('slsk-client/lib/listen.js');

const config = JSON.parse(process.argv[2]);

function report(message) {
  if (process.connected) process.send(message);
}

// Probe: slsk-client only starts reading peer messages on an incoming connection once it has handled
// the PeerInit (lib/listen.js hands the socket to a new DefaultPeer from inside the 'data' event, and
// whatever else that chunk held is dropped). Telling the test when that happened lets the test peer
// send its PeerSearchReply after it, as a separate chunk. The probe changes nothing in the client.
const emit = Listen.prototype.emit;
Listen.prototype.emit = function (event, ...args) {
  const result = emit.call(this, event, ...args);
  if (event === 'new-peer') report({ type: 'peer-ready', user: args[0].peer.user, connectionType: args[0].peer.type });
  return result;
};


let client;
slsk.connect(
  { user: config.user, pass: config.pass, host: config.host, port: config.port, incomingPort: config.incomingPort, timeout: config.timeout },
  (err, connected) => {
    // The library calls back again (with an error) if its server socket fails later.
    if (client !== undefined || err) {
      report({ type: 'client-error', message: err ? err.message : 'connect callback called twice' });
      return;
    }
    client = connected;
    client.on('found', (result) => report({ type: 'found', result }));
    report({ type: 'connected' });
  },
);

process.on('message', (command) => {
  if (command.type === 'search') {
    client.search({ req: command.req, timeout: command.timeout }, (err, results) => {
      report({ type: 'results', error: err ? err.message : null, results });
    });
  } else if (command.type === 'download') {
    // `file` is a result of slsk-client's own search (user, file, size); `path` where to write it.
    client.download({ file: command.file, path: command.path }, (err, data) => {
      report({ type: 'downloaded', error: err ? err.message : null, path: data ? data.path : null });
    });
  } else if (command.type === 'exit') {
    slsk.disconnect();
    process.exit(0);
  }
});

// The test runner going away must not leave this process (and its listen port) behind.
process.on('disconnect', () => process.exit(0));
