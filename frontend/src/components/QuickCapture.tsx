import { useState } from 'react';
import { messageOf } from '../api/problem';
import { useCreateTask } from '../lib/tasks';
import { validateTitle } from '../lib/validation';
import { Dialog } from './Dialog';
import { Alert } from './States';
import { toast } from './Toast';

/** `c` from anywhere: a title, then Enter. */
export function QuickCapture({ onClose }: { onClose: () => void }) {
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | undefined>();
  const create = useCreateTask();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const problem = validateTitle(title);
    setError(problem);
    if (problem) return;
    create.mutate(
      { title: title.trim() },
      {
        onSuccess: () => {
          toast({ text: 'Task added.' });
          onClose();
        },
        onError: (err) => setError(messageOf(err)),
      },
    );
  };
  return (
    <Dialog title="New task" onClose={onClose}>
      <form onSubmit={submit} noValidate className="stack">
        <label className="field">
          <span>Title</span>
          <input
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="What needs doing?"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'capture-error' : undefined}
          />
        </label>
        <Alert id="capture-error" message={error} />
        <div className="row">
          <button className="primary" type="submit" disabled={create.isPending}>
            Add task
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
