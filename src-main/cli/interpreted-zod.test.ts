import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { useInterpretedZod } from './interpreted-zod';

const shape = () => z.object({ name: z.string(), size: z.number().int(), tags: z.array(z.string()) });
const value = { name: 'a', size: 1, tags: ['x'] };

describe('useInterpretedZod', () => {
  afterEach(() => {
    z.config({ jitless: false });
    vi.restoreAllMocks();
  });

  it('is needed: by default zod compiles a validator on an object schema first use', () => {
    const compile = vi.spyOn(globalThis, 'Function');
    expect(shape().parse(value)).toEqual(value);
    expect(compile).toHaveBeenCalled();
  });

  it('makes schemas built afterwards check without compiling code, with the same answers', () => {
    useInterpretedZod();
    const compile = vi.spyOn(globalThis, 'Function');
    const schema = shape();
    expect(schema.parse(value)).toEqual(value);
    expect(schema.safeParse({ ...value, size: 1.5 }).success).toBe(false);
    expect(compile).not.toHaveBeenCalled();
  });
});
