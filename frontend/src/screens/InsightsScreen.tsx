import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { Alert } from '../components/States';
import { QueryView } from '../components/QueryView';
import {
  defaultPeriod,
  focusRows,
  formatCost,
  hasData,
  moodRows,
  percent,
  periodError,
  providerRows,
  taskRows,
  type Granularity,
  type Period,
} from '../lib/analytics';

const COLORS = { a: '#3b6fd8', b: '#1f9d64', c: '#d9822b', d: '#b0469e' };
const query = (period: Period) => ({ params: { query: period } });
const FETCH = {
  summary: async (p: Period) => unwrap(await api.GET('/api/v1/analytics/summary', query(p))),
  tasks: async (p: Period) => unwrap(await api.GET('/api/v1/analytics/tasks', query(p))),
  pomodoro: async (p: Period) => unwrap(await api.GET('/api/v1/analytics/pomodoro', query(p))),
  activities: async (p: Period) => unwrap(await api.GET('/api/v1/analytics/activities', query(p))),
  ai: async (p: Period) => unwrap(await api.GET('/api/v1/analytics/ai', query(p))),
};
type Kind = keyof typeof FETCH;
type Answer<K extends Kind> = Awaited<ReturnType<(typeof FETCH)[K]>>;

/** One analytics endpoint over the chosen period. */
function useAnalytics<K extends Kind>(kind: K, period: Period) {
  return useQuery({ queryKey: ['analytics', kind, period], queryFn: () => FETCH[kind](period) as Promise<Answer<K>> });
}

/** The analytics dashboard: a period, its digest and a chart per part. */
export default function InsightsScreen() {
  const [period, setPeriod] = useState<Period>(() => defaultPeriod());
  return (
    <section className="content stack" aria-labelledby="insights-title">
      <h1 id="insights-title">Insights</h1>
      <PeriodPicker period={period} onChange={setPeriod} />
      <Summary period={period} />
      <div className="charts">
        <TasksChart period={period} />
        <FocusChart period={period} />
        <MoodChart period={period} />
        <AiChart period={period} />
      </div>
    </section>
  );
}

export function PeriodPicker({ period, onChange }: { period: Period; onChange: (p: Period) => void }) {
  const [draft, setDraft] = useState(period);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="row"
      aria-label="Period"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const problem = periodError(draft);
        setError(problem);
        if (!problem) onChange(draft);
      }}
    >
      <label className="field">
        <span>From</span>
        <input type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
      </label>
      <label className="field">
        <span>To</span>
        <input type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
      </label>
      <label className="field">
        <span>By</span>
        <select value={draft.granularity} onChange={(e) => setDraft({ ...draft, granularity: e.target.value as Granularity })}>
          <option value="day">day</option>
          <option value="week">week</option>
          <option value="month">month</option>
        </select>
      </label>
      <button type="submit" className="primary" style={{ alignSelf: 'flex-end' }}>
        Show
      </button>
      <Alert message={error} full />
    </form>
  );
}

function Summary({ period }: { period: Period }) {
  return (
    <QueryView query={useAnalytics('summary', period)} loading="Loading the summary">
      {(s) => <SummaryCards s={s} />}
    </QueryView>
  );
}

function SummaryCards({ s }: { s: Answer<'summary'> }) {
  const cards: [string, string, string][] = [
    ['Tasks completed', String(s.tasks.completed), `of ${s.tasks.created} created · ${percent(s.tasks.completion_rate)}`],
    ['Overdue', String(s.tasks.overdue), 'tasks past their day'],
    ['Focus', `${s.pomodoro.focus_minutes} min`, `${s.pomodoro.sessions} ${s.pomodoro.sessions === 1 ? 'session' : 'sessions'} · ${s.pomodoro.interruptions} interrupted`],
    ['Goals', String(s.goals.goals), s.goals.average_progress == null ? 'no goals' : `${Math.round(s.goals.average_progress)} % on average`],
    ['Activities', String(s.activities.count), `${s.activities.minutes} min · ${s.activities.streaks_alive} streaks alive`],
    ['AI requests', String(s.ai.requests), `${s.ai.failures} failed · ${formatCost(s.ai.cost_micro_usd)}`],
  ];
  return (
    <ul className="cards" aria-label="Summary">
      {cards.map(([label, value, detail]) => (
        <li key={label} className="card">
          <span className="muted">{label}</span>
          <strong className="figure">{value}</strong>
          <span className="muted">{detail}</span>
        </li>
      ))}
    </ul>
  );
}

/** A chart's frame: title, loading, error and empty states, and its figures as a table. */
function ChartCard<K extends Kind, R extends object>({
  title,
  kind,
  period,
  rows,
  columns,
  empty,
  chart,
}: {
  title: string;
  kind: K;
  period: Period;
  rows: (a: Answer<K>) => R[];
  columns: [keyof R, string][];
  empty: string;
  chart: (rows: R[]) => React.ReactElement;
}) {
  const q = useAnalytics(kind, period);
  const id = `chart-${kind}`;
  const data = q.data ? rows(q.data) : [];
  return (
    <figure className="card chart" aria-labelledby={id}>
      <figcaption id={id}>
        <h2>{title}</h2>
      </figcaption>
      <QueryView query={q} isEmpty={() => !hasData(data, columns.slice(1).map(([k]) => k))} empty={empty}>
        {() => (
          <>
            <div className="chart-area">
              <ResponsiveContainer width="100%" height={220}>
                {chart(data)}
              </ResponsiveContainer>
            </div>
            <details>
              <summary>Figures</summary>
              <table className="figures">
                <thead>
                  <tr>
                    {columns.map(([k, label]) => (
                      <th key={String(k)} scope="col">
                        {label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.map((r, i) => (
                    <tr key={i}>
                      {columns.map(([k]) => (
                        <td key={String(k)}>{String(r[k] ?? '–')}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          </>
        )}
      </QueryView>
    </figure>
  );
}

const axis = { fontSize: 12, stroke: 'var(--fg-soft)' };

function TasksChart({ period }: { period: Period }) {
  return (
    <ChartCard
      title="Tasks created and completed"
      kind="tasks"
      period={period}
      rows={taskRows}
      columns={[['label', 'Period'], ['created', 'Created'], ['completed', 'Completed'], ['overdue', 'Overdue']]}
      empty="No task was created or completed in this period."
      chart={(data) => (
        <BarChart data={data} accessibilityLayer>
          <CartesianGrid stroke="var(--line)" vertical={false} />
          <XAxis dataKey="label" tick={axis} />
          <YAxis allowDecimals={false} tick={axis} width={32} />
          <Tooltip />
          <Legend />
          <Bar dataKey="created" name="Created" fill={COLORS.a} />
          <Bar dataKey="completed" name="Completed" fill={COLORS.b} />
        </BarChart>
      )}
    />
  );
}

function FocusChart({ period }: { period: Period }) {
  return (
    <ChartCard
      title="Focus minutes"
      kind="pomodoro"
      period={period}
      rows={focusRows}
      columns={[['label', 'Period'], ['minutes', 'Minutes'], ['sessions', 'Sessions'], ['interruptions', 'Interrupted']]}
      empty="No focus session in this period."
      chart={(data) => (
        <LineChart data={data} accessibilityLayer>
          <CartesianGrid stroke="var(--line)" vertical={false} />
          <XAxis dataKey="label" tick={axis} />
          <YAxis allowDecimals={false} tick={axis} width={32} />
          <Tooltip />
          <Legend />
          <Line type="monotone" dataKey="minutes" name="Focus minutes" stroke={COLORS.c} strokeWidth={2} />
        </LineChart>
      )}
    />
  );
}

function MoodChart({ period }: { period: Period }) {
  return (
    <ChartCard
      title="Mood and energy by activity type"
      kind="activities"
      period={period}
      rows={moodRows}
      columns={[['type', 'Type'], ['mood', 'Mood after'], ['energy', 'Energy after'], ['count', 'Activities']]}
      empty="No activity with mood or energy in this period."
      chart={(data) => (
        <BarChart data={data} accessibilityLayer>
          <CartesianGrid stroke="var(--line)" vertical={false} />
          <XAxis dataKey="type" tick={axis} />
          <YAxis domain={[0, 10]} tick={axis} width={32} />
          <Tooltip />
          <Legend />
          <Bar dataKey="mood" name="Mood after (1–10)" fill={COLORS.d} />
          <Bar dataKey="energy" name="Energy after (1–10)" fill={COLORS.b} />
        </BarChart>
      )}
    />
  );
}

function AiChart({ period }: { period: Period }) {
  return (
    <ChartCard
      title="AI requests and cost by provider"
      kind="ai"
      period={period}
      rows={providerRows}
      columns={[['provider', 'Provider'], ['requests', 'Requests'], ['failures', 'Failed'], ['cost', 'Cost (USD)']]}
      empty="No AI request in this period."
      chart={(data) => (
        <BarChart data={data} accessibilityLayer>
          <CartesianGrid stroke="var(--line)" vertical={false} />
          <XAxis dataKey="provider" tick={axis} />
          <YAxis yAxisId="n" allowDecimals={false} tick={axis} width={32} />
          <YAxis yAxisId="usd" orientation="right" tick={axis} width={48} />
          <Tooltip />
          <Legend />
          <Bar yAxisId="n" dataKey="requests" name="Requests" fill={COLORS.a} />
          <Bar yAxisId="usd" dataKey="cost" name="Cost (USD)" fill={COLORS.c} />
        </BarChart>
      )}
    />
  );
}
