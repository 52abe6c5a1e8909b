import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router-dom';
import { messageOf } from '../api/problem';
import { PomodoroTimer } from '../components/PomodoroTimer';
import { QueryView } from '../components/QueryView';
import { TaskItem } from '../components/TaskItem';
import { toast } from '../components/Toast';
import { localDate } from '../lib/dates';
import { useTasks, useToggleComplete } from '../lib/tasks';
import { loadDay, sortedBlocks } from '../lib/schedule';

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
  const blocks = sortedBlocks(schedule.data);

  return (
    <section className="content stack" aria-labelledby="today-title">
      <h1 id="today-title">Today</h1>
      <h2>Focus</h2>
      <PomodoroTimer compact />
      <h2>Due today or overdue</h2>
      <QueryView query={due} loading="Loading tasks" isEmpty={(d) => d.items.length === 0} empty="No tasks today. Press c to add one.">
        {(d) => (
          <ul className="list" aria-label="Due tasks">
            {d.items.map((t) => (
              <TaskItem
                key={t.id}
                task={t}
                onOpen={() => navigate(`/tasks/${t.id}`)}
                onToggle={() => toggle.mutate(t, { onError: (e) => toast({ text: messageOf(e), error: true }) })}
              />
            ))}
          </ul>
        )}
      </QueryView>
      <h2>Schedule</h2>
      <QueryView
        query={schedule}
        loading="Loading the schedule"
        isEmpty={() => blocks.length === 0}
        empty={
          <>
            Nothing planned. <Link to="/schedule">Plan your day</Link>.
          </>
        }
      >
        {() => (
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
      </QueryView>
      <h2>Next ceremony</h2>
      <p>
        <Link to="/ceremonies">{nextCeremony()}</Link>
      </p>
    </section>
  );
}
