import { useId, useState } from 'react';
import { ApiError, messageOf } from '../api/problem';
import { Alert } from './States';

export interface FieldSpec<K extends string> {
  key: K;
  label: string;
  kind?: 'text' | 'email' | 'tel' | 'date' | 'textarea';
  /** A choice among `[value, label]` pairs instead of free text. */
  options?: [string, string][];
  /** The message when it is left blank. */
  required?: string;
}

export type Values<K extends string> = Record<K, string>;

interface Props<K extends string> {
  fields: FieldSpec<K>[];
  initial: Values<K>;
  /** Saves; a rejection shows its problem's `detail` and, beside each field the server named, its message. */
  onSave: (values: Values<K>) => Promise<unknown>;
  onDone: () => void;
}

/** An entity's edit form from a list of fields: labelled controls, Save and Cancel. */
export function EditForm<K extends string>({ fields, initial, onSave, onDone }: Props<K>) {
  const id = useId();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<K, string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const missing: Partial<Record<K, string>> = {};
    for (const f of fields) if (f.required && !values[f.key].trim()) missing[f.key] = f.required;
    setErrors(missing);
    setFailure(null);
    if (Object.keys(missing).length) return;
    setBusy(true);
    try {
      await onSave(values);
      onDone();
    } catch (err) {
      if (err instanceof ApiError) {
        const named: Partial<Record<K, string>> = {};
        for (const f of fields) {
          const message = err.fieldError(f.key);
          if (message) named[f.key] = message;
        }
        setErrors(named);
      }
      setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
      {fields.map((f) => {
        const control = `${id}-${f.key}`;
        const error = errors[f.key];
        const common = {
          id: control,
          value: values[f.key],
          'aria-invalid': error ? true : undefined,
          'aria-describedby': error ? `${control}-error` : undefined,
          onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setValues({ ...values, [f.key]: e.target.value }),
        };
        return (
          <div className="field" key={f.key}>
            <label htmlFor={control}>{f.label}</label>
            {f.options ? (
              <select {...common}>
                {f.options.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            ) : f.kind === 'textarea' ? (
              <textarea rows={4} {...common} />
            ) : (
              <input type={f.kind ?? 'text'} {...common} />
            )}
            {error && (
              <span id={`${control}-error`} className="error">
                {error}
              </span>
            )}
          </div>
        );
      })}
      <Alert message={failure} />
      <div className="row">
        <button className="primary" type="submit" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
