import { PRIORITIES, priorityClass, statusLabel, type Task } from '../lib/tasks';

export function TaskItem({ task, selected, onOpen, onToggle }: { task: Task; selected?: boolean; onOpen: () => void; onToggle: () => void }) {
  const done = task.status === 'completed';
  return (
    <li className={`${selected ? 'selected' : ''} ${done ? 'done' : ''}`} aria-current={selected ? 'true' : undefined}>
      <input type="checkbox" checked={done} onChange={onToggle} aria-label={`${done ? 'Reopen' : 'Complete'} ${task.title}`} />
      <button type="button" className="title" onClick={onOpen}>
        {task.title}
      </button>
      {task.due_date && <span className="muted">{task.due_date.slice(0, 10)}</span>}
      {task.priority > 0 && <span className={`marker ${priorityClass(task.priority)}`}>{PRIORITIES[task.priority] ?? task.priority}</span>}
      <span className="marker">{statusLabel(task.status)}</span>
    </li>
  );
}
