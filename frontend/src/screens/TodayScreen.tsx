import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import { ApiError, messageOf, unwrap } from '../api/problem';
import { PomodoroTimer } from '../components/PomodoroTimer';
import { Empty, ErrorState, Loading } from '../components/States';
import { TaskItem } from '../components/TaskItem';
import { toast } from '../components/Toast';
import { useTasks, useToggleComplete } from '../lib/tasks';

export function localDate(d = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Which ceremony fits now: the Weekly Review on Fridays, the Daily Planning otherwise. */
export function nextCeremony(now = new Date()): string {
  return now.getDay() === 5 ? 'Weekly Review' : now.getHours() < 12 ? 'Daily Planning' : 'Daily Planning (tomorrow)';
}

export function TodayScreen() {
  const today = localDate();
  const tomorrow = localDate(new Date(Date.now() + 86_400_000));
  const due = useTasks({ due_before: tomorrow, status: 'pending', limit: 200 });
  const toggle = useToggleComplete();
  const navigate = useNavigate();
  const schedule = useQuery({
    queryKey: ['schedule', 'day', today],
    queryFn: async () => {
      try {
        return unwrap(await api.GET('/api/v1/schedule/daily/{date}', { params: { path: { date: today } } }));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
  const blocks = (schedule.data?.blocks ?? []) as { start_time?: string; end_time?: string; title?: string; type?: string }[];

  return (
    <section className="content stack" aria-labelledby="today-title">
      <h1 id="today-title">Today</h1>
      <h2>Focus</h2>
      <PomodoroTimer compact />
      <h2>Due today or overdue</h2>
      {due.isPending ? (
        <Loading what="Loading tasks" />
      ) : due.isError ? (
        <ErrorState error={due.error} retry={() => void due.refetch()} />
      ) : due.data.items.length === 0 ? (
        <Empty>No tasks today. Press c to add one.</Empty>
      ) : (
        <ul className="list" aria-label="Due tasks">
          {due.data.items.map((t) => (
            <TaskItem
              key={t.id}
              task={t}
              onOpen={() => navigate(`/tasks/${t.id}`)}
              onToggle={() => toggle.mutate(t, { onError: (e) => toast({ text: messageOf(e), error: true }) })}
            />
          ))}
        </ul>
      )}
      <h2>Schedule</h2>
      {schedule.isPending ? (
        <Loading what="Loading the schedule" />
      ) : schedule.isError ? (
        <ErrorState error={schedule.error} />
      ) : blocks.length === 0 ? (
        <Empty>
          Nothing planned. <Link to="/schedule">Plan your day</Link>.
        </Empty>
      ) : (
        <ul className="list" aria-label="Schedule blocks">
          {blocks.map((b, i) => (
            <li key={i}>
              <span className="muted">
                {b.start_time}–{b.end_time}
              </span>
              <span>{b.title ?? b.type}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>Next ceremony</h2>
      <p>
        <Link to="/ceremonies">{nextCeremony()}</Link>
      </p>
    </section>
  );
}
