/** Labelled form fields with their error beside them; each control's accessible name is its label. */
import { useId, type ReactNode } from 'react';
import type { ShareLimitAction, ShareLimits } from '../../api/contract';
import { rateUnits, type RateText, type RateUnit } from './form-parse';
import type { ShareLimitsText } from './limits-form';

function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error === undefined ? null : (
    <span id={id} className="field-error">
      {error}
    </span>
  );
}

interface TextFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  placeholder?: string;
  /** 'decimal' and 'numeric' bring up number keyboards; the text is checked on save either way. */
  inputMode?: 'decimal' | 'numeric' | 'text';
  type?: 'text' | 'time';
  wide?: boolean;
  hint?: ReactNode;
}

export function TextField({ label, value, onChange, error, placeholder, inputMode = 'numeric', type = 'text', wide, hint }: TextFieldProps) {
  const id = useId();
  const inputId = useId();
  return (
    <div className={wide ? 'form-row wide' : 'form-row'}>
      <label className="form-label" htmlFor={inputId}>
        {label}
      </label>
      <span className="form-control">
        <input
          id={inputId}
          type={type}
          className={inputMode === 'text' ? 'mono' : 'num'}
          inputMode={inputMode}
          spellCheck={false}
          value={value}
          placeholder={placeholder}
          aria-invalid={error !== undefined}
          aria-describedby={error !== undefined ? id : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
        {hint}
        <FieldError id={id} error={error} />
      </span>
    </div>
  );
}

const units = Object.keys(rateUnits) as RateUnit[];

/** A rate in KiB/s or MiB/s; empty means no limit. */
export function RateField({ label, value, onChange, error }: { label: string; value: RateText; onChange(value: RateText): void; error?: string | undefined }) {
  const id = useId();
  const inputId = useId();
  return (
    <div className="form-row">
      <label className="form-label" htmlFor={inputId}>
        {label}
      </label>
      <span className="form-control">
        <span className="rate-input">
          <input
            id={inputId}
            type="text"
            className="num"
            inputMode="decimal"
            value={value.amount}
            placeholder="No limit"
            aria-invalid={error !== undefined}
            aria-describedby={error !== undefined ? id : undefined}
            onChange={(e) => onChange({ ...value, amount: e.target.value })}
          />
          <select aria-label={`${label} unit`} value={value.unit} onChange={(e) => onChange({ ...value, unit: units.find((u) => u === e.target.value) ?? value.unit })}>
            {units.map((u) => (
              <option key={u} value={u}>
                {u}/s
              </option>
            ))}
          </select>
        </span>
        <FieldError id={id} error={error} />
      </span>
    </div>
  );
}

export function CheckField({ label, checked, onChange, error }: { label: string; checked: boolean; onChange(checked: boolean): void; error?: string | undefined }) {
  const id = useId();
  return (
    <>
      <label className="check">
        <input type="checkbox" checked={checked} aria-invalid={error !== undefined} aria-describedby={error !== undefined ? id : undefined} onChange={(e) => onChange(e.target.checked)} />
        {label}
      </label>
      <FieldError id={id} error={error} />
    </>
  );
}

interface SelectFieldProps<T extends string> {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange(value: T): void;
}

export function SelectField<T extends string>({ label, value, options, onChange }: SelectFieldProps<T>) {
  const inputId = useId();
  return (
    <div className="form-row">
      <label className="form-label" htmlFor={inputId}>
        {label}
      </label>
      <span className="form-control">
        <select id={inputId} value={value} onChange={(e) => onChange(options.find((o) => o.value === e.target.value)?.value ?? value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </span>
    </div>
  );
}

const matchOptions: readonly { value: ShareLimits['match']; label: string }[] = [
  { value: 'any', label: 'any set limit is reached' },
  { value: 'all', label: 'all set limits are reached' },
];

const actionOptions: readonly { value: ShareLimitAction; label: string }[] = [
  { value: 'pause', label: 'Pause the torrent' },
  { value: 'remove', label: 'Remove the torrent, keep its files' },
  { value: 'remove-with-files', label: 'Remove the torrent and its files' },
];

/** Ratio, seeding times, any/all and the action: errors are keyed `${field}.ratio` and so on. */
export function ShareLimitsFields({ value, onChange, errors, field }: { value: ShareLimitsText; onChange(value: ShareLimitsText): void; errors: Record<string, string>; field: string }) {
  const set = (part: Partial<ShareLimitsText>) => onChange({ ...value, ...part });
  return (
    <>
      <TextField label="Ratio limit" inputMode="decimal" placeholder="None" value={value.ratio} error={errors[`${field}.ratio`]} onChange={(ratio) => set({ ratio })} />
      <TextField label="Seeding time limit (minutes)" placeholder="None" value={value.seedingMinutes} error={errors[`${field}.seedingMinutes`]} onChange={(seedingMinutes) => set({ seedingMinutes })} />
      <TextField label="Inactive seeding limit (minutes)" placeholder="None" value={value.inactiveMinutes} error={errors[`${field}.inactiveMinutes`]} onChange={(inactiveMinutes) => set({ inactiveMinutes })} />
      <SelectField label="Stop when" value={value.match} options={matchOptions} onChange={(match) => set({ match })} />
      <SelectField label="Then" value={value.action} options={actionOptions} onChange={(action) => set({ action })} />
    </>
  );
}
