import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { Schemas } from '../api/client';
import { messageOf } from '../api/problem';
import { formatClock, useCountdown } from '../lib/pomodoro';
import { useCurrentPomodoro, usePomodoroActions } from '../lib/pomodoroApi';
import { Alert, ErrorState, Loading } from './States';

const TYPES: Record<string, string> = { work: 'Focus', short_break: 'Short break', long_break: 'Long break' };

/** The running session from the server (it survives a reload), or a form to start one. */
export function PomodoroTimer({ compact = false }: { compact?: boolean }) {
  const current = useCurrentPomodoro();
  const { start, complete, cancel } = usePomodoroActions();
  const [type, setType] = useState<string | null>(null);
  const [minutes, setMinutes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const left = useCountdown(current.data?.ends_at);
  if (current.isPending) return <Loading what="Loading the timer" />;
  if (current.isError) return <ErrorState error={current.error} retry={() => void current.refetch()} />;
  const session = current.data.session;
  const onError = (e: unknown) => setError(messageOf(e));

  if (session) {
    return (
      <div className="card stack" aria-label="Running pomodoro">
        <p className="muted" style={{ margin: 0 }}>
          {TYPES[session.type] ?? session.type} · {session.duration_minutes} min
        </p>
        <div className={compact ? '' : 'timer'} role="timer" aria-live="off" aria-label="Time left">
          {formatClock(left)}
        </div>
        {left === 0 && <p role="status">Time is up.</p>}
        <Alert message={error} />
        <div className="row">
          <button className="primary" type="button" onClick={() => complete.mutate(undefined, { onError })} disabled={complete.isPending}>
            Complete
          </button>
          <button type="button" onClick={() => cancel.mutate(undefined, { onError })} disabled={cancel.isPending}>
            Cancel
          </button>
        </div>
      </div>
    );
  }
  if (compact)
    return (
      <p className="muted">
        No session running. <Link to="/focus">Start one</Link>.
      </p>
    );
  const chosen = (type ?? current.data.next_type) as Schemas['StartSession']['type'];
  return (
    <form
      className="card stack"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        const n = minutes ? Number(minutes) : undefined;
        if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 240)) {
          setError('Choose 1 to 240 minutes.');
          return;
        }
        start.mutate({ type: chosen, duration_minutes: n ?? null }, { onError });
      }}
    >
      <p className="muted" style={{ margin: 0 }}>
        {current.data.work_sessions_since_long_break} of {current.data.sessions_until_long_break} focus sessions before a long break.
      </p>
      <div className="row">
        <label className="field">
          <span>Kind</span>
          <select value={chosen} onChange={(e) => setType(e.target.value)}>
            {Object.entries(TYPES).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Minutes (default from settings)</span>
          <input inputMode="numeric" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
        </label>
      </div>
      <Alert message={error} />
      <button className="primary" type="submit" disabled={start.isPending}>
        Start
      </button>
    </form>
  );
}
