import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { EntityPane, PaneRow } from '../components/EntityPane';
import { PomodoroTimer } from '../components/PomodoroTimer';
import { QueryList } from '../components/QueryView';
import { pomodoroSessionPane } from '../lib/entityPanes';

/** The pomodoro timer, and the latest sessions: one opens beside them with its history. */
export default function FocusScreen() {
  const [open, setOpen] = useState<string | null>(null);
  const sessions = useQuery({
    queryKey: ['pomodoro', 'sessions'],
    queryFn: async () => unwrap(await api.GET('/api/v1/pomodoro/sessions', { params: { query: { limit: 10 } } })),
  });
  return (
    <>
      <section className="content stack" aria-labelledby="focus-title">
        <h1 id="focus-title">Focus</h1>
        <PomodoroTimer />
        <h2>Latest sessions</h2>
        <QueryList query={sessions} label="Latest sessions" loading="Loading sessions" empty="No session yet. Start the timer above.">
          {(s) => (
            <PaneRow key={s.id} id={s.id} open={open} onOpen={setOpen} name={`${s.type.replace('_', ' ')} · ${s.duration_minutes} min`}>
              <span className="muted">
                {new Date(s.started_at).toLocaleString()} · {s.completed ? 'completed' : s.ended_at ? 'cancelled' : 'running'}
              </span>
            </PaneRow>
          )}
        </QueryList>
      </section>
      {open && <EntityPane spec={pomodoroSessionPane} id={open} onClose={() => setOpen(null)} />}
    </>
  );
}
