// Test helper: the ShoalError a call refuses its input with, so a test can check its code and
// its sentence. Anything else thrown is the test's failure, and so is no error at all.
import { ShoalError } from '../../src-shared/errors';

/** The ShoalError `run` throws. */
export function refusal(run: () => unknown): ShoalError {
  try {
    run();
  } catch (err) {
    if (err instanceof ShoalError) return err;
    throw err;
  }
  throw new Error('expected a ShoalError, but the input was accepted');
}

/** The ShoalError `promise` rejects with. */
export async function rejection(promise: Promise<unknown>): Promise<ShoalError> {
  const err = await promise.catch((e: unknown) => e);
  if (!(err instanceof ShoalError)) throw new Error(`expected a ShoalError, got ${String(err)}`);
  return err;
}
