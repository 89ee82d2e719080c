/** A dialog's error sentence, announced as an alert; nothing when there is none. */
export function InlineError({ message }: { message: string | null }) {
  if (message === null) return null;
  return (
    <p role="alert" className="inline-error">
      {message}
    </p>
  );
}
