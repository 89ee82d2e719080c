import type { Category } from '../../api/contract';

/** The categories as a select's options, after its own first ones. */
export function CategoryOptions({ categories }: { categories: Record<string, Category> | undefined }) {
  return (
    <>
      {Object.keys(categories ?? {}).map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </>
  );
}
