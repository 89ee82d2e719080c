// A stand-in engine worker for engine-worker.test.ts: speaks just enough of the MessagePort
// envelope to answer `hello`, reports its workerData, crashes on `pause`, and exits cleanly when
// asked on its control port.
import { parentPort, workerData } from 'node:worker_threads';

parentPort.on('message', (message) => {
  if (message.name === 'hello') {
    parentPort.postMessage({ type: 'result', id: message.id, output: { protocolVersion: message.input.protocolVersion, appVersion: workerData.stateDir } });
  } else if (message.name === 'pause') {
    throw new Error('engine exploded');
  } else {
    parentPort.postMessage({ type: 'result', id: message.id, output: {} });
  }
});
workerData.control.once('message', () => process.exit(0));
