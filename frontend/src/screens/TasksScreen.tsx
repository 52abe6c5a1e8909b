import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { messageOf } from '../api/problem';
import { CreateByName } from '../components/CreateByName';
import { QueryView } from '../components/QueryView';
import { TaskItem } from '../components/TaskItem';
import { TaskPane } from '../components/TaskPane';
import { toast } from '../components/Toast';
import { useShortcut } from '../lib/shortcuts';
import {
  PAGE_SIZE,
  PRIORITIES,
  STATUSES,
  statusLabel,
  taskFilters,
  useCreateTask,
  useTasks,
  useToggleComplete,
  type Task,
} from '../lib/tasks';
import { validateTitle } from '../lib/validation';

export default function TasksScreen() {
  const { taskId } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const priority = params.get('priority') ?? '';
  const q = params.get('q') ?? '';
  const offset = Number(params.get('offset') ?? 0);
  const [search, setSearch] = useState(q);
  const searchRef = useRef<HTMLInputElement>(null);
  const tasks = useTasks(taskFilters(params));
  const toggle = useToggleComplete();
  const items = tasks.data?.items ?? [];
  const selected = items.findIndex((t) => t.id === taskId);

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('offset' in changes)) next.delete('offset');
    next.delete('focus');
    setParams(next);
  };

  // Debounced search as you type.
  useEffect(() => {
    if (search === q) return;
    const t = setTimeout(() => update({ q: search }), 250);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search]);

  useEffect(() => {
    if (params.get('focus') === 'search') searchRef.current?.focus();
  }, [params]);

  const open = (task: Task | undefined) => task && navigate(`/tasks/${task.id}?${params.toString()}`);
  const complete = (task: Task) =>
    toggle.mutate(task, {
      onSuccess: () =>
        toast({
          text: task.status === 'completed' ? `Reopened “${task.title}”.` : `Completed “${task.title}”.`,
          undo: () => toggle.mutate({ ...task, status: task.status === 'completed' ? 'pending' : 'completed' }),
        }),
      onError: (e) => toast({ text: messageOf(e), error: true }),
    });

  useShortcut(['j'], () => open(items[Math.min(selected + 1, items.length - 1)]));
  useShortcut(['k'], () => open(items[Math.max(selected - 1, 0)]));
  useShortcut(['x'], () => selected >= 0 && complete(items[selected]!));
  useShortcut(['Escape'], () => taskId && navigate(`/tasks?${params.toString()}`));

  return (
    <>
      <section className="content" aria-labelledby="tasks-title">
        <h1 id="tasks-title">Tasks</h1>
        <InlineCapture />
        <div className="row" style={{ margin: '12px 0' }} role="search">
          <label className="field" style={{ flex: '1 1 200px' }}>
            <span>Search</span>
            <input ref={searchRef} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Title or description" />
          </label>
          <label className="field">
            <span>Status</span>
            <select value={status} onChange={(e) => update({ status: e.target.value })}>
              <option value="">Any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Priority</span>
            <select value={priority} onChange={(e) => update({ priority: e.target.value })}>
              <option value="">Any</option>
              {Object.entries(PRIORITIES).map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <QueryView
          query={tasks}
          loading="Loading tasks"
          isEmpty={(d) => d.items.length === 0}
          empty={q || status || priority ? 'No task matches these filters.' : 'No tasks yet. Press c to add one.'}
        >
          {({ items: rows, total: all }) => (
            <>
              <ul className="list" aria-label="Tasks">
                {rows.map((task) => (
                  <TaskItem key={task.id} task={task} selected={task.id === taskId} onOpen={() => open(task)} onToggle={() => complete(task)} />
                ))}
              </ul>
              <nav className="row" aria-label="Pages" style={{ marginTop: 12 }}>
                <button type="button" disabled={offset === 0} onClick={() => update({ offset: String(Math.max(0, offset - PAGE_SIZE)) })}>
                  Previous
                </button>
                <span className="muted">
                  {offset + 1}–{offset + rows.length} of {all}
                </span>
                <button type="button" disabled={offset + PAGE_SIZE >= all} onClick={() => update({ offset: String(offset + PAGE_SIZE) })}>
                  Next
                </button>
              </nav>
            </>
          )}
        </QueryView>
      </section>
      {taskId && <TaskPane id={taskId} onClose={() => navigate(`/tasks?${params.toString()}`)} />}
    </>
  );
}

function InlineCapture() {
  const create = useCreateTask();
  return (
    <CreateByName
      label="New task"
      placeholder="Add a task and press Enter"
      required="A task needs a title."
      validate={validateTitle}
      onCreate={(title) => create.mutateAsync({ title })}
    />
  );
}
