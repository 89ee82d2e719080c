import type { Storage, WriteOutcome } from '../engine/storage/storage';

/** `Storage.writeBlock` as a promise, for tests that await each block's outcome. */
export function writeBlock(storage: Storage, piece: number, begin: number, data: Uint8Array): Promise<WriteOutcome> {
  return new Promise((resolve, reject) => storage.writeBlock(piece, begin, data, (err, outcome) => (outcome === undefined ? reject(err) : resolve(outcome))));
}
