import { useId, useState } from 'react';
import { messageOf } from '../api/problem';
import { Alert } from './States';

interface Props {
  /** The input's label (read by screen readers) and, unless `placeholder` says otherwise, its placeholder. */
  label: string;
  placeholder?: string;
  /** The message when the name is blank ("A goal needs a title."). */
  required: string;
  /** Further checks of the trimmed name; a message refuses it. */
  validate?: (name: string) => string | undefined;
  /** Creates the thing; a rejection shows its problem's `detail` and keeps the text. */
  onCreate: (name: string) => Promise<unknown>;
  submit?: string;
  /** A narrow field with a plain button (a side column). */
  compact?: boolean;
}

/** One line and Add: the way goals, projects, clients, notes, folders and tasks begin. */
export function CreateByName({ label, placeholder = label, required, validate, onCreate, submit = 'Add', compact }: Props) {
  const id = useId();
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: React.FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    const problem = trimmed ? validate?.(trimmed) : required;
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      await onCreate(trimmed);
      setName('');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="row" noValidate onSubmit={(e) => void onSubmit(e)}>
      <label className="sr-only" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        style={compact ? { width: 150 } : { flex: 1 }}
        placeholder={placeholder}
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      <button className={compact ? undefined : 'primary'} type="submit" disabled={busy}>
        {submit}
      </button>
      <Alert id={`${id}-error`} message={error} full />
    </form>
  );
}
