import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import { Empty, ErrorState, Loading } from '../components/States';
import { useTasks } from '../lib/tasks';
import { validateTitle } from '../lib/validation';

/** Goals with their progress; a goal opens beside the list with its linked tasks. */
export default function GoalsScreen() {
  const client = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | undefined>();
  const goals = useQuery({ queryKey: ['goals', 'list'], queryFn: async () => unwrap(await api.GET('/api/v1/goals', { params: { query: { limit: 200 } } })) });
  const create = useMutation({
    mutationFn: async (t: string) => unwrap(await api.POST('/api/v1/goals', { body: { title: t } })),
    onSuccess: (g) => {
      setTitle('');
      setOpen(g.id);
      void client.invalidateQueries({ queryKey: ['goals'] });
    },
    onError: (e) => setError(messageOf(e)),
  });
  return (
    <>
      <section className="content stack" aria-labelledby="goals-title">
        <h1 id="goals-title">Goals</h1>
        <form
          className="row"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const problem = validateTitle(title)?.replace('task', 'goal');
            setError(problem);
            if (!problem) create.mutate(title.trim());
          }}
        >
          <label className="sr-only" htmlFor="new-goal">
            New goal
          </label>
          <input id="new-goal" style={{ flex: 1 }} placeholder="New goal" value={title} onChange={(e) => setTitle(e.target.value)} />
          <button className="primary" type="submit" disabled={create.isPending}>
            Add
          </button>
          {error && (
            <p role="alert" className="error" style={{ width: '100%', margin: 0 }}>
              {error}
            </p>
          )}
        </form>
        {goals.isPending ? (
          <Loading what="Loading goals" />
        ) : goals.isError ? (
          <ErrorState error={goals.error} retry={() => void goals.refetch()} />
        ) : goals.data.length === 0 ? (
          <Empty>No goals yet. Name one above, then link tasks to it.</Empty>
        ) : (
          <ul className="list" aria-label="Goals">
            {goals.data.map((g) => (
              <li key={g.id} className={open === g.id ? 'selected' : ''}>
                <button type="button" className="title" onClick={() => setOpen(g.id)}>
                  {g.title}
                </button>
                <progress max={100} value={g.progress} aria-label={`${g.title}: ${g.progress}% done`} />
                <span className="muted">{Math.round(g.progress)}%</span>
                <span className="marker">{g.status}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {open && <GoalPane id={open} onClose={() => setOpen(null)} />}
    </>
  );
}

function GoalPane({ id, onClose }: { id: string; onClose: () => void }) {
  const client = useQueryClient();
  const goal = useQuery({ queryKey: ['goals', 'one', id], queryFn: async () => unwrap(await api.GET('/api/v1/goals/{id}', { params: { path: { id } } })) });
  const linked = useQuery({
    queryKey: ['tasks', 'goal', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/tasks', { params: { query: { goal_id: id, limit: 200 } } })),
  });
  const all = useTasks({ limit: 200 });
  const [pick, setPick] = useState('');
  const [error, setError] = useState<string | null>(null);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['goals'] });
    void client.invalidateQueries({ queryKey: ['tasks'] });
  };
  const link = useMutation({
    mutationFn: async ({ taskId, on }: { taskId: string; on: boolean }) => {
      const params = { params: { path: { id, task_id: taskId } } };
      const r = on ? await api.POST('/api/v1/goals/{id}/tasks/{task_id}', params) : await api.DELETE('/api/v1/goals/{id}/tasks/{task_id}', params);
      unwrap({ ...r, data: null });
    },
    onSuccess: () => (setPick(''), refresh()),
    onError: (e) => setError(messageOf(e)),
  });
  const linkedIds = new Set((linked.data ?? []).map((t) => t.id));
  return (
    <aside className="pane" aria-label="Goal">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>Goal</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {goal.isPending ? (
        <Loading />
      ) : goal.isError ? (
        <ErrorState error={goal.error} />
      ) : (
        <div className="stack">
          <h3 style={{ marginBottom: 0 }}>{goal.data.title}</h3>
          <p className="muted" style={{ margin: 0 }}>
            {Math.round(goal.data.progress)}% done{goal.data.progress_manual ? ' (set by hand)' : ', from its linked tasks'}
            {goal.data.target_date ? ` · by ${goal.data.target_date.slice(0, 10)}` : ''}
          </p>
          <h3>Linked tasks</h3>
          {linked.isPending ? (
            <Loading />
          ) : linked.isError ? (
            <ErrorState error={linked.error} />
          ) : linked.data.length === 0 ? (
            <Empty>No task linked yet.</Empty>
          ) : (
            <ul className="list" aria-label="Linked tasks">
              {linked.data.map((t) => (
                <li key={t.id} className={t.status === 'completed' ? 'done' : ''}>
                  <span className="title">{t.title}</span>
                  <button type="button" onClick={() => link.mutate({ taskId: t.id, on: false })} aria-label={`Unlink ${t.title}`}>
                    Unlink
                  </button>
                </li>
              ))}
            </ul>
          )}
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              setError(null);
              if (pick) link.mutate({ taskId: pick, on: true });
            }}
          >
            <label className="field" style={{ flex: 1 }}>
              <span>Link a task</span>
              <select value={pick} onChange={(e) => setPick(e.target.value)}>
                <option value="">Choose a task</option>
                {(all.data?.items ?? [])
                  .filter((t) => !linkedIds.has(t.id))
                  .map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.title}
                    </option>
                  ))}
              </select>
            </label>
            <button type="submit" disabled={!pick || link.isPending}>
              Link
            </button>
          </form>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </div>
      )}
    </aside>
  );
}
