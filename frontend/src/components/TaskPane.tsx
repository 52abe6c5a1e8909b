import { useState } from 'react';
import { messageOf } from '../api/problem';
import { useShortcut } from '../lib/shortcuts';
import { PRIORITIES, STATUSES, priorityClass, statusLabel, useTask, useTaskActivity, useTaskHistory, useUpdateTask, type Task, type TaskStatus } from '../lib/tasks';
import { validateTitle } from '../lib/validation';
import { Attachments } from './Attachments';
import { ErrorState, Loading } from './States';

/** A task beside the list: details, an edit form, its activity and a history slider. */
export function TaskPane({ id, onClose }: { id: string; onClose: () => void }) {
  const [tab, setTab] = useState<'details' | 'activity' | 'files'>('details');
  const [editing, setEditing] = useState(false);
  const [at, setAt] = useState<number | null>(null);
  const history = useTaskHistory(id);
  const events = history.data ?? [];
  const asOf = at !== null && at < events.length - 1 ? events[at]?.at : undefined;
  const task = useTask(id, asOf);
  useShortcut(['e'], () => setEditing(true), !editing);

  return (
    <aside className="pane" aria-label="Task details">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>Task</h2>
        <button type="button" onClick={onClose}>
          Close <kbd>Esc</kbd>
        </button>
      </div>
      <div className="tabs" role="tablist">
        <button role="tab" type="button" aria-selected={tab === 'details'} onClick={() => setTab('details')}>
          Details
        </button>
        <button role="tab" type="button" aria-selected={tab === 'activity'} onClick={() => setTab('activity')}>
          Activity
        </button>
        <button role="tab" type="button" aria-selected={tab === 'files'} onClick={() => setTab('files')}>
          Files
        </button>
      </div>
      {tab === 'details' ? (
        task.isPending ? (
          <Loading />
        ) : task.isError ? (
          <ErrorState error={task.error} retry={() => void task.refetch()} />
        ) : editing && !asOf ? (
          <EditTask task={task.data} onDone={() => setEditing(false)} />
        ) : (
          <div className="stack">
            {events.length > 1 && (
              <label className="field">
                <span>
                  History: {asOf ? `as it was on ${new Date(asOf).toLocaleString()}` : 'now'} (version {(at ?? events.length - 1) + 1} of {events.length})
                </span>
                <input
                  type="range"
                  min={0}
                  max={events.length - 1}
                  value={at ?? events.length - 1}
                  onChange={(e) => setAt(Number(e.target.value))}
                  aria-valuetext={asOf ? new Date(asOf).toLocaleString() : 'now'}
                />
              </label>
            )}
            <TaskDetails task={task.data} />
            {!asOf && (
              <button type="button" onClick={() => setEditing(true)}>
                Edit <kbd>e</kbd>
              </button>
            )}
          </div>
        )
      ) : tab === 'activity' ? (
        <Activity id={id} />
      ) : (
        <Attachments type="task" id={id} />
      )}
    </aside>
  );
}

function TaskDetails({ task }: { task: Task }) {
  return (
    <div className="stack">
      <h3 style={{ margin: 0, overflowWrap: 'anywhere' }}>{task.title}</h3>
      <div className="row">
        <span className={`marker ${priorityClass(task.priority)}`}>{PRIORITIES[task.priority]}</span>
        <span className="marker">{statusLabel(task.status)}</span>
        {task.due_date && <span className="muted">Due {task.due_date.slice(0, 10)}</span>}
      </div>
      {task.description ? <p style={{ whiteSpace: 'pre-wrap' }}>{task.description}</p> : <p className="muted">No description.</p>}
    </div>
  );
}

function EditTask({ task, onDone }: { task: Task; onDone: () => void }) {
  const [form, setForm] = useState({
    title: task.title,
    description: task.description ?? '',
    status: task.status,
    priority: String(task.priority),
    due_date: task.due_date?.slice(0, 10) ?? '',
  });
  const [error, setError] = useState<string | undefined>();
  const update = useUpdateTask();
  useShortcut(['Escape'], onDone);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const problem = validateTitle(form.title);
    setError(problem);
    if (problem) return;
    update.mutate(
      {
        id: task.id,
        body: {
          title: form.title.trim(),
          description: form.description || null,
          status: form.status as TaskStatus,
          priority: Number(form.priority),
          due_date: form.due_date || null,
        },
      },
      { onSuccess: onDone, onError: (err) => setError(messageOf(err)) },
    );
  };
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <label className="field">
        <span>Title</span>
        <input value={form.title} onChange={set('title')} />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea rows={4} value={form.description} onChange={set('description')} />
      </label>
      <div className="row">
        <label className="field">
          <span>Status</span>
          <select value={form.status} onChange={set('status')}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Priority</span>
          <select value={form.priority} onChange={set('priority')}>
            {Object.entries(PRIORITIES).map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Due</span>
          <input type="date" value={form.due_date} onChange={set('due_date')} />
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button className="primary" type="submit" disabled={update.isPending}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Activity({ id }: { id: string }) {
  const activity = useTaskActivity(id);
  if (activity.isPending) return <Loading />;
  if (activity.isError) return <ErrorState error={activity.error} />;
  if (activity.data.length === 0) return <p className="muted">No activity yet.</p>;
  return (
    <ol className="timeline" aria-label="Activity">
      {activity.data.map((a) => (
        <li key={a.id}>
          <strong>{a.action.replace(/_/g, ' ')}</strong> <span className="muted">{new Date(a.created_at).toLocaleString()}</span>
        </li>
      ))}
    </ol>
  );
}
