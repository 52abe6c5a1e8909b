import { useState } from 'react';
import { messageOf } from '../api/problem';
import { useShortcut } from '../lib/shortcuts';
import { PRIORITIES, STATUSES, priorityClass, statusLabel, taskHistory, useTask, useTaskActivity, useUpdateTask, type Task, type TaskStatus } from '../lib/tasks';
import { validateTitle } from '../lib/validation';
import { ActivityList } from './ActivityList';
import { Attachments } from './Attachments';
import { EntityHistory } from './EntityHistory';
import { Pane } from './Pane';
import { QueryView } from './QueryView';
import { Alert } from './States';
import { Tabs } from './Tabs';

type Tab = 'details' | 'activity' | 'files';
const TABS: [Tab, string][] = [
  ['details', 'Details'],
  ['activity', 'Activity'],
  ['files', 'Files'],
];

/** A task beside the list: details with the history slider (and Restore), an edit form, its
 * activity and its files. */
export function TaskPane({ id, onClose }: { id: string; onClose: () => void }) {
  const [tab, setTab] = useState<Tab>('details');
  const [editing, setEditing] = useState(false);
  const task = useTask(id);
  useShortcut(['e'], () => (setTab('details'), setEditing(true)), !editing);

  return (
    <Pane label="Task details" title="Task" onClose={onClose} closeHint={<kbd>Esc</kbd>}>
      <Tabs label="Task" tabs={TABS} value={tab} onChange={setTab} />
      {tab === 'details' ? (
        editing ? (
          <QueryView query={task}>{(t) => <EditTask task={t} onDone={() => setEditing(false)} />}</QueryView>
        ) : (
          <EntityHistory source={taskHistory} id={id}>
            {(t, past) => (
              <div className="stack">
                <TaskDetails task={t} />
                {!past && (
                  <button type="button" onClick={() => setEditing(true)}>
                    Edit <kbd>e</kbd>
                  </button>
                )}
              </div>
            )}
          </EntityHistory>
        )
      ) : tab === 'activity' ? (
        <TaskActivity id={id} />
      ) : (
        <Attachments type="task" id={id} />
      )}
    </Pane>
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
      <Alert message={error} />
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

function TaskActivity({ id }: { id: string }) {
  const activity = useTaskActivity(id);
  return (
    <QueryView query={activity}>
      {(rows) => <ActivityList items={rows.map((a) => ({ key: a.id, what: a.action.replace(/_/g, ' '), at: a.created_at }))} />}
    </QueryView>
  );
}
