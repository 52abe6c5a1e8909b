import { useState } from 'react';
import { messageOf } from '../api/problem';
import { CreateByName } from '../components/CreateByName';
import { HistoryPane } from '../components/HistoryPane';
import { QueryList } from '../components/QueryView';
import { Alert } from '../components/States';
import { goalHistory, useGoalActions, useGoals, useLinkedTasks, type Goal } from '../lib/goals';
import { useTasks } from '../lib/tasks';
import { tooLong } from '../lib/validation';

/** Goals with their progress; a goal opens beside the list with its linked tasks and history. */
export default function GoalsScreen() {
  const [open, setOpen] = useState<string | null>(null);
  const goals = useGoals();
  const { create } = useGoalActions();
  return (
    <>
      <section className="content stack" aria-labelledby="goals-title">
        <h1 id="goals-title">Goals</h1>
        <CreateByName label="New goal" required="A goal needs a title." validate={tooLong} onCreate={async (title) => setOpen((await create.mutateAsync(title)).id)} />
        <QueryList query={goals} label="Goals" loading="Loading goals" empty="No goals yet. Name one above, then link tasks to it.">
          {(g) => (
            <li key={g.id} className={open === g.id ? 'selected' : ''}>
              <button type="button" className="title" onClick={() => setOpen(g.id)}>
                {g.title}
              </button>
              <progress max={100} value={g.progress} aria-label={`${g.title}: ${g.progress}% done`} />
              <span className="muted">{Math.round(g.progress)}%</span>
              <span className="marker">{g.status}</span>
            </li>
          )}
        </QueryList>
      </section>
      {open && <GoalPane key={open} id={open} onClose={() => setOpen(null)} />}
    </>
  );
}

function GoalPane({ id, onClose }: { id: string; onClose: () => void }) {
  return (
    <HistoryPane label="Goal" source={goalHistory} id={id} onClose={onClose}>
      {(goal, past) => (
        <div className="stack">
          <GoalSummary goal={goal} />
          {!past && <LinkedTasks goalId={id} />}
        </div>
      )}
    </HistoryPane>
  );
}

function GoalSummary({ goal }: { goal: Goal }) {
  return (
    <div className="stack">
      <h3 style={{ marginBottom: 0 }}>{goal.title}</h3>
      <p className="muted" style={{ margin: 0 }}>
        {Math.round(goal.progress)}% done{goal.progress_manual ? ' (set by hand)' : ', from its linked tasks'} · {goal.status}
        {goal.target_date ? ` · by ${goal.target_date.slice(0, 10)}` : ''}
      </p>
      {goal.description && <p style={{ whiteSpace: 'pre-wrap' }}>{goal.description}</p>}
    </div>
  );
}

function LinkedTasks({ goalId }: { goalId: string }) {
  const linked = useLinkedTasks(goalId);
  const all = useTasks({ limit: 200 });
  const { link } = useGoalActions();
  const [pick, setPick] = useState('');
  const [error, setError] = useState<string | null>(null);
  const change = (taskId: string, on: boolean) => {
    setError(null);
    link.mutate({ goalId, taskId, on }, { onSuccess: () => setPick(''), onError: (e) => setError(messageOf(e)) });
  };
  const linkedIds = new Set((linked.data ?? []).map((t) => t.id));
  return (
    <div className="stack">
      <h3>Linked tasks</h3>
      <QueryList query={linked} label="Linked tasks" empty="No task linked yet.">
        {(t) => (
          <li key={t.id} className={t.status === 'completed' ? 'done' : ''}>
            <span className="title">{t.title}</span>
            <button type="button" onClick={() => change(t.id, false)} aria-label={`Unlink ${t.title}`}>
              Unlink
            </button>
          </li>
        )}
      </QueryList>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (pick) change(pick, true);
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
      <Alert message={error} />
    </div>
  );
}
