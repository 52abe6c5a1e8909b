import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import { EntityPane, PaneRow } from '../components/EntityPane';
import { LineChart } from '../components/LineChart';
import { QueryList, QueryView } from '../components/QueryView';
import { Alert } from '../components/States';
import { localDate } from '../lib/dates';
import { ACTIVITY_TYPES, activityGoalPane, activityPane } from '../lib/entityPanes';

/** Personal activities with mood and energy, charted over time; one opens beside the list
 * with its details, edit form and history. */
export default function ActivitiesScreen() {
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['activities', 'list'], queryFn: async () => unwrap(await api.GET('/api/v1/activities', { params: { query: { limit: 200 } } })) });
  const [form, setForm] = useState({ name: '', type: 'exercise', duration: '30', mood: '', energy: '' });
  const [error, setError] = useState<string | null>(null);
  const [pane, setPane] = useState<{ kind: 'activity' | 'goal'; id: string } | null>(null);
  const open = pane?.id ?? null;
  const goals = useQuery({ queryKey: ['activities', 'goals'], queryFn: async () => unwrap(await api.GET('/api/v1/activities/goals')) });
  const log = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/activities', {
          body: {
            name: form.name.trim(),
            type: form.type,
            date: localDate(),
            duration_minutes: form.duration ? Number(form.duration) : null,
            mood_after: form.mood ? Number(form.mood) : null,
            energy_after: form.energy ? Number(form.energy) : null,
          },
        }),
      ),
    onSuccess: () => {
      setForm({ ...form, name: '' });
      void client.invalidateQueries({ queryKey: ['activities'] });
    },
    onError: (e) => setError(messageOf(e)),
  });
  const scale = (v: string) => !v || (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 10);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [k]: e.target.value });
  const when = (r: { date: string; time?: string | null; created_at: string }) => `${r.date.slice(0, 10)} ${r.time ?? ''} ${r.created_at}`;
  const rows = (list.data ?? []).slice().sort((a, b) => when(a).localeCompare(when(b)));

  return (
    <>
      <section className="content stack" aria-labelledby="activities-title">
        <h1 id="activities-title">Activities</h1>
        <form
          className="row"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            if (!form.name.trim()) return setError('Name the activity.');
            if (!scale(form.mood) || !scale(form.energy)) return setError('Mood and energy go from 1 to 10.');
            log.mutate();
          }}
        >
          <label className="field" style={{ flex: '1 1 160px' }}>
            <span>Activity</span>
            <input value={form.name} onChange={set('name')} />
          </label>
          <label className="field">
            <span>Kind</span>
            <select value={form.type} onChange={set('type')}>
              {ACTIVITY_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label className="field" style={{ width: 90 }}>
            <span>Minutes</span>
            <input inputMode="numeric" value={form.duration} onChange={set('duration')} />
          </label>
          <label className="field" style={{ width: 90 }}>
            <span>Mood (1–10)</span>
            <input inputMode="numeric" value={form.mood} onChange={set('mood')} />
          </label>
          <label className="field" style={{ width: 90 }}>
            <span>Energy (1–10)</span>
            <input inputMode="numeric" value={form.energy} onChange={set('energy')} />
          </label>
          <button className="primary" type="submit" disabled={log.isPending} style={{ alignSelf: 'flex-end' }}>
            Log
          </button>
        </form>
        <Alert message={error} />
        <QueryView query={list} loading="Loading activities" isEmpty={() => rows.length === 0} empty="No activities logged yet. Log one above with how you felt after it.">
          {() => (
            <>
              <LineChart
                title="Mood and energy after each activity"
                labels={rows.map((r) => r.date.slice(5, 10))}
                series={[
                  { name: 'Mood', color: 'var(--accent)', values: rows.map((r) => r.mood_after ?? null) },
                  { name: 'Energy', color: 'var(--warn)', values: rows.map((r) => r.energy_after ?? null) },
                ]}
              />
              <ul className="list" aria-label="Activities">
                {rows
                  .slice()
                  .reverse()
                  .map((r) => (
                    <PaneRow
                      key={r.id}
                      id={r.id}
                      open={open}
                      onOpen={(id) => setPane({ kind: 'activity', id })}
                      name={
                        <>
                          {r.name} <span className="muted">({r.type})</span>
                        </>
                      }
                    >
                      <span className="muted">
                        {r.date.slice(0, 10)}
                        {r.duration_minutes ? ` · ${r.duration_minutes} min` : ''}
                        {r.mood_after ? ` · mood ${r.mood_after}` : ''}
                        {r.energy_after ? ` · energy ${r.energy_after}` : ''}
                      </span>
                    </PaneRow>
                  ))}
              </ul>
            </>
          )}
        </QueryView>
        <h2>Activity goals</h2>
        <QueryList query={goals} label="Activity goals" loading="Loading activity goals" empty="No activity goal yet.">
          {(g) => (
            <PaneRow key={g.id} id={g.id} open={open} onOpen={(id) => setPane({ kind: 'goal', id })} name={`${g.activity_type}, ${g.target_frequency}`}>
              <span className="muted">{[g.target_count && `${g.target_count} times`, g.target_duration_minutes && `${g.target_duration_minutes} min`].filter(Boolean).join(' · ')}</span>
            </PaneRow>
          )}
        </QueryList>
      </section>
      {pane?.kind === 'activity' && <EntityPane spec={activityPane} id={pane.id} onClose={() => setPane(null)} />}
      {pane?.kind === 'goal' && <EntityPane spec={activityGoalPane} id={pane.id} onClose={() => setPane(null)} />}
    </>
  );
}
