// Worker thread entry: renders the tracks it is sent, one at a time, and answers with the file bytes
// or the error message. Started by render-pool.ts.

import { parentPort } from 'node:worker_threads';
import { renderTrack, type RenderJob } from './render.ts';

const port = parentPort;
if (port === null) throw new Error('render-worker.ts runs only as a worker thread');
port.on('message', (job: RenderJob) => {
  renderTrack(job).then(
    (bytes) => port.postMessage({ bytes }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
