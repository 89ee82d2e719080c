/** A dialog's usual buttons: Cancel, then the primary action. */
export function CancelOrConfirm({ label, onCancel, onConfirm, disabled }: { label: string; onCancel(): void; onConfirm(): void; disabled?: boolean }) {
  return (
    <>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="button" className="primary" disabled={disabled} onClick={onConfirm}>
        {label}
      </button>
    </>
  );
}

/** The one button of a dialog that only shows things (Statistics, Log, Categories). */
export function CloseOnly({ onClose }: { onClose(): void }) {
  return (
    <button type="button" onClick={onClose}>
      Close
    </button>
  );
}
