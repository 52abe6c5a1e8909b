import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { messageOf } from '../api/problem';
import { PomodoroTimer } from '../components/PomodoroTimer';
import { Empty, ErrorState, Loading } from '../components/States';
import { TaskItem } from '../components/TaskItem';
import { toast } from '../components/Toast';
import { localDate } from '../lib/dates';
import { useTasks, useToggleComplete } from '../lib/tasks';
import { loadDay } from '../lib/schedule';

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
  const schedule = useQuery({ queryKey: ['schedule', 'day', today], queryFn: () => loadDay(today) });
  const blocks = ((schedule.data?.blocks ?? []) as unknown as { start: string; end: string; title: string }[]).slice().sort((a, b) => a.start.localeCompare(b.start));

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
                {b.start}–{b.end}
              </span>
              <span>{b.title}</span>
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
