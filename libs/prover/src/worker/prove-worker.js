// Worker thread of libs/prover's Prover (plain CommonJS so it runs unchanged under node, tsx, jest and dist/).
// Receives { id, input, wasm, zkey, singleThread } and answers { id, ok, proof, publicSignals, ms } or
// { id, ok: false, message }. One job at a time: the pool never sends a second job before the answer.
'use strict';
const threads = require('node:worker_threads');
const { parentPort } = threads;

// snarkjs -> ffjavascript -> web-worker decides at require time whether it runs inside one of ITS OWN workers by
// looking at worker_threads.isMainThread, and then crashes reading its workerData. Inside our pool thread it must
// behave as on a main thread (it may spawn its own helper threads), so require it with the flag set, then restore.
const wasMain = threads.isMainThread;
Object.defineProperty(threads, 'isMainThread', { value: true, configurable: true, writable: true });
const snarkjs = require('snarkjs');
Object.defineProperty(threads, 'isMainThread', { value: wasMain, configurable: true, writable: true });

parentPort.on('message', async (job) => {
  const started = Date.now();
  try {
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      job.input,
      job.wasm,
      job.zkey,
      undefined,
      undefined,
      {
        singleThread: job.singleThread,
      },
    );
    parentPort.postMessage({ id: job.id, ok: true, proof, publicSignals, ms: Date.now() - started });
  } catch (err) {
    parentPort.postMessage({ id: job.id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});
