import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import { EntityPane } from '../components/EntityPane';
import { QueryList, QueryView } from '../components/QueryView';
import { Alert } from '../components/States';
import { localDate } from '../lib/dates';
import { scheduleDayPane, scheduleTemplatePane } from '../lib/entityPanes';
import { blockBody, loadDay, sortedBlocks, type Block } from '../lib/schedule';

/** One day's time blocks: add and remove them, or lay a template over the day. The day and
 * each template open beside it with their details and history (a template's edit form too). */
export default function ScheduleScreen() {
  const client = useQueryClient();
  const [date, setDate] = useState(localDate());
  const key = ['schedule', 'day', date];
  const day = useQuery({ queryKey: key, queryFn: () => loadDay(date) });
  const templates = useQuery({ queryKey: ['schedule', 'templates'], queryFn: async () => unwrap(await api.GET('/api/v1/schedule/templates')) });
  const blocks = sortedBlocks(day.data);
  const [form, setForm] = useState({ start: '09:00', end: '10:00', title: '' });
  const [error, setError] = useState<string | null>(null);
  const [pane, setPane] = useState<{ kind: 'day' | 'template'; id: string } | null>(null);
  const done = () => {
    void client.invalidateQueries({ queryKey: ['schedule'] });
    void client.invalidateQueries({ queryKey: ['today'] });
  };
  const save = useMutation({
    mutationFn: async (next: Block[]) => unwrap(await api.POST('/api/v1/schedule/daily', { body: { date, blocks: next } })),
    onSuccess: () => (setForm({ ...form, title: '' }), done()),
    onError: (e) => setError(messageOf(e)),
  });
  const apply = useMutation({
    mutationFn: async (id: string) => unwrap(await api.POST('/api/v1/schedule/templates/{id}/apply', { params: { path: { id } }, body: { date } })),
    onSuccess: done,
    onError: (e) => setError(messageOf(e)),
  });

  return (
    <>
      <section className="content stack" aria-labelledby="schedule-title">
        <h1 id="schedule-title">Schedule</h1>
        <label className="field" style={{ maxWidth: 200 }}>
          <span>Day</span>
          <input type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
        </label>
        {day.data && (
          <button type="button" style={{ alignSelf: 'flex-start' }} onClick={() => setPane({ kind: 'day', id: date })}>
            History of this day
          </button>
        )}
        <QueryView query={day} loading="Loading the day" isEmpty={() => blocks.length === 0} empty="Nothing planned for this day. Add a block below or apply a template.">
          {() => (
            <ul className="list" aria-label="Blocks">
              {blocks.map((b, i) => (
                <li key={`${b.start}-${i}`}>
                  <span className="muted" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {b.start}–{b.end}
                  </span>
                  <span className="title">{b.title}</span>
                  <button type="button" aria-label={`Remove ${b.title}`} onClick={() => save.mutate(blocks.filter((_, j) => j !== i).map(blockBody))}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )}
        </QueryView>
        <form
          className="row"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            if (!form.title.trim()) return setError('A block needs a title.');
            if (form.start >= form.end) return setError('A block ends after it starts.');
            save.mutate([...blocks.map(blockBody), { start: form.start, end: form.end, title: form.title.trim() }]);
          }}
        >
          <label className="field">
            <span>From</span>
            <input type="time" value={form.start} onChange={(e) => setForm({ ...form, start: e.target.value })} />
          </label>
          <label className="field">
            <span>To</span>
            <input type="time" value={form.end} onChange={(e) => setForm({ ...form, end: e.target.value })} />
          </label>
          <label className="field" style={{ flex: 1 }}>
            <span>What</span>
            <input value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
          </label>
          <button className="primary" type="submit" disabled={save.isPending} style={{ alignSelf: 'flex-end' }}>
            Add block
          </button>
        </form>
        <Alert message={error} />
        <h2>Templates</h2>
        <QueryList query={templates} label="Templates" empty="No templates yet.">
          {(t) => (
            <li key={t.id} className={pane?.id === t.id ? 'selected' : ''}>
              <button type="button" className="title" onClick={() => setPane({ kind: 'template', id: t.id })}>
                {t.name}
              </button>
              <button type="button" onClick={() => apply.mutate(t.id)}>
                Apply to this day
              </button>
            </li>
          )}
        </QueryList>
      </section>
      {pane?.kind === 'day' && <EntityPane spec={scheduleDayPane} id={pane.id} onClose={() => setPane(null)} />}
      {pane?.kind === 'template' && <EntityPane spec={scheduleTemplatePane} id={pane.id} onClose={() => setPane(null)} />}
    </>
  );
}
