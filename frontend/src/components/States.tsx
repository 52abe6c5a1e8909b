import { messageOf } from '../api/problem';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div role="alert" className="card error">
      <p>{messageOf(error)}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="muted">{children}</p>;
}

/** A form's or an action's problem, read out when it appears; nothing when there is none. */
export function Alert({ message, id, full }: { message: string | null | undefined; id?: string; full?: boolean }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="error" style={full ? { width: '100%', margin: 0 } : undefined}>
      {message}
    </p>
  );
}
