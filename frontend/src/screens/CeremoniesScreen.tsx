import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import type { components } from '../api/schema';
import { Empty, ErrorState, Loading } from '../components/States';
import { localDate } from '../lib/dates';
import { aiRunning, aiStatusText, keptTasks, minutesError, proposalsFrom, remaining, timerBounds, wordCount, type Json, type Proposal } from '../lib/ceremony';

type Component = components['schemas']['ComponentRow'];
type Session = components['schemas']['SessionRow'];
interface AiStep { execution_id?: string; status?: string; output?: { answer?: unknown; created?: string[] } | null; error?: string | null }
interface Step { component_id: string; type: string }

const templatesQuery = { queryKey: ['ceremonies', 'templates'], queryFn: async () => unwrap(await api.GET('/api/v1/ceremonies/templates')) };
const sessionKey = (id: string) => ['ceremonies', 'session', id];
const aiSteps = (s: Session) => s.ai_steps as unknown as Record<string, AiStep>;
const stepsOf = (s: Session) => s.steps as unknown as Step[];
const inputOf = (s: Session, index: number) => ((s.input_data as unknown as Record<string, Json>)[String(index)] ?? {}) as Json;

/** Ceremonies: the templates, and a session run step by step. */
export default function CeremoniesScreen() {
  const { sessionId } = useParams();
  return sessionId ? <SessionView key={sessionId} id={sessionId} /> : <Templates />;
}

function Templates() {
  const navigate = useNavigate();
  const templates = useQuery(templatesQuery);
  const recent = useQuery({
    queryKey: ['ceremonies', 'sessions'],
    queryFn: async () => unwrap(await api.GET('/api/v1/ceremonies/sessions/history', { params: { query: { status: 'in_progress', limit: 5 } } })),
  });
  const start = useMutation({
    mutationFn: async (templateId: string) => unwrap(await api.POST('/api/v1/ceremonies/sessions/start', { body: { template_id: templateId } })),
    onSuccess: (s) => navigate(`/ceremonies/${s.id}`),
  });
  const names = new Map((templates.data ?? []).map((t) => [t.id, t.name]));
  return (
    <section className="content stack" aria-labelledby="ceremonies-title">
      <h1 id="ceremonies-title">Ceremonies</h1>
      {templates.isPending ? (
        <Loading />
      ) : templates.isError ? (
        <ErrorState error={templates.error} retry={() => void templates.refetch()} />
      ) : templates.data.length === 0 ? (
        <Empty>No ceremonies are defined.</Empty>
      ) : (
        <ul className="list" aria-label="Ceremonies">
          {templates.data.map((t) => (
            <li key={t.id}>
              <span className="title">
                <strong>{t.name}</strong>
                <br />
                <span className="muted">
                  {t.estimated_minutes} min · {t.description}
                </span>
              </span>
              <button type="button" className="primary" aria-label={`Start ${t.name}`} disabled={start.isPending} onClick={() => start.mutate(t.id)}>
                Start
              </button>
            </li>
          ))}
        </ul>
      )}
      {start.isError && <p role="alert" className="error">{messageOf(start.error)}</p>}
      {recent.data && recent.data.length > 0 && (
        <>
          <h2>Under way</h2>
          <ul className="list" aria-label="Sessions under way">
            {recent.data.map((s) => (
              <li key={s.id}>
                <Link to={`/ceremonies/${s.id}`}>
                  {names.get(s.template_id) ?? 'Ceremony'} · started {new Date(s.started_at).toLocaleString()}
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function SessionView({ id }: { id: string }) {
  const client = useQueryClient();
  const templates = useQuery(templatesQuery);
  const session = useQuery({ queryKey: sessionKey(id), queryFn: async () => unwrap(await api.GET('/api/v1/ceremonies/sessions/{id}', { params: { path: { id } } })) });
  const [error, setError] = useState<string | null>(null);
  const refresh = (s?: Session) => (s ? client.setQueryData(sessionKey(id), s) : client.invalidateQueries({ queryKey: sessionKey(id) }));
  /** Records the current step's input and moves to `next`. */
  const advance = useMutation({
    mutationFn: async ({ input, next }: { input?: Json; next: number }) =>
      unwrap(await api.PATCH('/api/v1/ceremonies/sessions/{id}', { params: { path: { id } }, body: { ...(input ? { input_data: input as Record<string, never> } : {}), current_step: next } })),
    onSuccess: (s) => refresh(s),
    onError: (e) => setError(messageOf(e)),
  });
  const finish = useMutation({
    mutationFn: async ({ input }: { input?: Json }) => {
      // The latest session: a review step has just recorded the tasks it created.
      const latest = input
        ? unwrap(await api.PATCH('/api/v1/ceremonies/sessions/{id}', { params: { path: { id } }, body: { input_data: input as Record<string, never> } }))
        : client.getQueryData<Session>(sessionKey(id));
      const tasks = latest ? createdIds(latest).length : 0;
      return unwrap(await api.POST('/api/v1/ceremonies/sessions/{id}/complete', { params: { path: { id } }, body: { tasks_created: tasks } }));
    },
    onSuccess: (s) => refresh(s),
    onError: (e) => setError(messageOf(e)),
  });
  const cancel = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/ceremonies/sessions/{id}/cancel', { params: { path: { id } } })),
    onSuccess: (s) => refresh(s),
    onError: (e) => setError(messageOf(e)),
  });

  if (session.isPending || templates.isPending) return <section className="content"><Loading /></section>;
  if (session.isError || templates.isError)
    return (
      <section className="content">
        <ErrorState error={session.error ?? templates.error} retry={() => void session.refetch()} />
      </section>
    );
  const s = session.data;
  const template = templates.data.find((t) => t.id === s.template_id);
  const steps = stepsOf(s);
  const component = (i: number) => template?.components.find((c) => c.id === steps[i]?.component_id);
  const index = s.current_step;
  const current = component(index);
  const last = index >= steps.length - 1;
  const busy = advance.isPending || finish.isPending || cancel.isPending;
  const go = (input?: Json) => {
    setError(null);
    if (last) finish.mutate({ input });
    else advance.mutate({ input, next: index + 1 });
  };
  const ctx: StepProps = { session: s, index, component: current, components: steps.map((_, i) => component(i)), busy, last, go, refresh: () => void refresh() };

  return (
    <section className="content stack" aria-labelledby="ceremony-title">
      <p>
        <Link to="/ceremonies">← Ceremonies</Link>
      </p>
      <h1 id="ceremony-title">{template?.name ?? 'Ceremony'}</h1>
      <ol className="steps" aria-label="Steps">
        {steps.map((step, i) => (
          <li key={step.component_id} aria-current={s.status === 'in_progress' && i === index ? 'step' : undefined}>
            {i + 1}. {component(i)?.name ?? step.type}
          </li>
        ))}
      </ol>
      {s.status !== 'in_progress' ? (
        <Ended session={s} />
      ) : (
        <div className="card stack" aria-labelledby="step-title">
          <h2 id="step-title">{current?.name ?? steps[index]?.type}</h2>
          {current?.description && <p className="muted">{current.description}</p>}
          <StepBody {...ctx} />
          {error && <p role="alert" className="error">{error}</p>}
          <div className="row">
            {index > 0 && (
              <button type="button" disabled={busy} onClick={() => advance.mutate({ next: index - 1 })}>
                Back
              </button>
            )}
            <button type="button" disabled={busy} onClick={() => cancel.mutate()}>
              Cancel ceremony
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

interface StepProps {
  session: Session;
  index: number;
  component: Component | undefined;
  components: (Component | undefined)[];
  busy: boolean;
  last: boolean;
  go: (input?: Json) => void;
  refresh: () => void;
}

function StepBody(p: StepProps) {
  const config = (p.component?.config ?? {}) as Json;
  switch (p.component?.type) {
    case 'timer':
      return <TimerStep {...p} config={config} />;
    case 'writing_area':
      return <WritingStep {...p} config={config} />;
    case 'ai_processor':
      return <AiStepView {...p} />;
    case 'task_review':
      return typeof config.source === 'string' && config.source.startsWith('ai_output.') ? <ReviewStep {...p} config={config} /> : <OpenTasksStep {...p} />;
    case 'metrics_review':
      return <MetricsStep {...p} />;
    case 'confirm':
      return <ConfirmStep {...p} config={config} />;
    default:
      return <NextButton {...p} onClick={() => p.go()} />;
  }
}

function NextButton({ last, busy, onClick, disabled }: { last: boolean; busy: boolean; onClick: () => void; disabled?: boolean }) {
  return (
    <button type="button" className="primary" disabled={busy || disabled} onClick={onClick}>
      {last ? 'Finish' : 'Next'}
    </button>
  );
}

function TimerStep(p: StepProps & { config: Json }) {
  const bounds = timerBounds(p.config);
  const [minutes, setMinutes] = useState(String(inputOf(p.session, p.index).minutes ?? bounds.value));
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="row"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const problem = minutesError(minutes, p.config);
        setError(problem);
        if (!problem) p.go({ minutes: Number(minutes) });
      }}
    >
      <label className="field">
        <span>
          Minutes ({bounds.min}–{bounds.max})
        </span>
        <input inputMode="numeric" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={p.busy} style={{ alignSelf: 'flex-end' }}>
        {p.last ? 'Finish' : 'Next'}
      </button>
      {error && <p role="alert" className="error" style={{ width: '100%', margin: 0 }}>{error}</p>}
    </form>
  );
}

function WritingStep(p: StepProps & { config: Json }) {
  const saved = inputOf(p.session, p.index);
  const [text, setText] = useState(typeof saved.text === 'string' ? saved.text : '');
  const minutes = Number(inputOf(p.session, p.index - 1).minutes) || null;
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (startedAt === null) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [startedAt]);
  const target = Number((p.config.word_counter as Json | undefined)?.target_words) || null;
  const words = wordCount(text);
  const left = minutes && startedAt !== null ? remaining(minutes, startedAt, now) : null;
  const over = left === '00:00';
  return (
    <div className="stack">
      <div className="row">
        {minutes && (
          <span role="timer" aria-label="Time left">
            {left ?? `${String(minutes).padStart(2, '0')}:00`}
          </span>
        )}
        <span aria-live="polite" className="muted">
          {words} {words === 1 ? 'word' : 'words'}
          {target ? ` of ${target}` : ''}
        </span>
        {over && <strong>Time is up.</strong>}
      </div>
      <label className="field">
        <span>Your writing</span>
        <textarea
          className="writing"
          value={text}
          readOnly={over && p.config.locks_when_timer_ends === true}
          placeholder={typeof p.config.placeholder === 'string' ? p.config.placeholder : undefined}
          onChange={(e) => {
            if (startedAt === null) setStartedAt(Date.now());
            setText(e.target.value);
          }}
        />
      </label>
      <NextButton {...p} disabled={!text.trim()} onClick={() => p.go({ text, word_count: words })} />
    </div>
  );
}

/** The execution of the session's AI step `componentId`, polled while it runs. */
function useExecution(executionId: string | undefined) {
  return useQuery({
    queryKey: ['executions', executionId],
    enabled: !!executionId,
    queryFn: async () => unwrap(await api.GET('/api/v1/ai/workflows/executions/{id}', { params: { path: { id: executionId! } } })),
    refetchInterval: (q) => (aiRunning(q.state.data?.status) || !q.state.data ? 800 : false),
  });
}

function AiStepView(p: StepProps) {
  const cid = p.component?.id ?? '';
  const [started, setStarted] = useState<string | undefined>(undefined);
  const executionId = started ?? aiSteps(p.session)[cid]?.execution_id;
  const execution = useExecution(executionId);
  const run = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/ceremonies/sessions/{id}/ai', { params: { path: { id: p.session.id } }, body: { component_id: cid } })),
    onSuccess: (r) => setStarted(r.execution_id),
  });
  const status = run.isPending ? 'running' : execution.data?.status ?? (executionId ? 'running' : undefined);
  const failed = status === 'failed' || status === 'cancelled';
  const answer = execution.data?.steps.find((s) => s.type === 'ai_process')?.output;
  const summary = answer && typeof answer === 'object' && typeof (answer as Json).summary === 'string' ? String((answer as Json).summary) : null;
  return (
    <div className="stack">
      <p role="status" aria-live="polite" className={failed ? 'error' : undefined}>
        {aiStatusText(status, execution.data?.error)}
      </p>
      {run.isError && <p role="alert" className="error">{messageOf(run.error)}</p>}
      {summary && <blockquote>{summary}</blockquote>}
      <div className="row">
        {(!executionId || failed) && (
          <button type="button" className="primary" disabled={run.isPending} onClick={() => run.mutate()}>
            {failed ? 'Try again' : 'Run the AI step'}
          </button>
        )}
        {(status === 'waiting_input' || status === 'completed') && <NextButton {...p} onClick={() => p.go()} />}
      </div>
    </div>
  );
}

/** The AI step before `index`: its component id and what the session holds of it. */
function previousAi(p: StepProps) {
  for (let i = p.index - 1; i >= 0; i--) {
    const c = p.components[i];
    if (c?.type === 'ai_processor') return { id: c.id, step: aiSteps(p.session)[c.id] };
  }
  return null;
}

function ReviewStep(p: StepProps & { config: Json }) {
  const client = useQueryClient();
  const ai = previousAi(p);
  const execution = useExecution(ai?.step?.execution_id);
  const answer = execution.data?.steps.find((s) => s.type === 'ai_process')?.output ?? ai?.step?.output?.answer;
  const [items, setItems] = useState<Proposal[] | null>(null);
  const proposals = items ?? proposalsFrom(answer, p.config.source);
  const [error, setError] = useState<string | null>(null);
  const waiting = execution.data?.status === 'waiting_input';
  const create = useMutation({
    mutationFn: async () => {
      const tasks = keptTasks(proposals);
      unwrap(await api.POST('/api/v1/ai/workflows/executions/{id}/input', { params: { path: { id: ai!.step!.execution_id! } }, body: { tasks } as never }));
      // The session records the created tasks once the execution ends.
      for (let i = 0; i < 60; i++) {
        const s = unwrap(await api.GET('/api/v1/ceremonies/sessions/{id}', { params: { path: { id: p.session.id } } }));
        const step = aiSteps(s)[ai!.id];
        if (step && step.status !== 'running') {
          client.setQueryData(sessionKey(p.session.id), s);
          if (step.status === 'failed') throw new Error(step.error ?? 'Creating the tasks failed.');
          return tasks;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error('The tasks are taking long to appear; look again in a moment.');
    },
    onSuccess: (tasks) => p.go({ tasks }),
    onError: (e) => setError(messageOf(e)),
  });
  if (!ai?.step?.execution_id) return <Empty>Run the AI step first.</Empty>;
  if (execution.isPending) return <Loading what="Loading the AI's answer" />;
  if (execution.isError) return <ErrorState error={execution.error} retry={() => void execution.refetch()} />;
  const set = (i: number, patch: Partial<Proposal>) => setItems(proposals.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const kept = keptTasks(proposals).length;
  return (
    <div className="stack">
      {proposals.length === 0 ? (
        <Empty>The AI proposed no task.</Empty>
      ) : (
        <ul className="list" aria-label="Proposed tasks">
          {proposals.map((t, i) => (
            <li key={i}>
              <input type="checkbox" aria-label={`Keep ${t.title || `task ${i + 1}`}`} checked={t.keep} disabled={!waiting} onChange={(e) => set(i, { keep: e.target.checked })} />
              <input aria-label={`Title of task ${i + 1}`} style={{ flex: 1 }} value={t.title} disabled={!waiting || !t.keep} onChange={(e) => set(i, { title: e.target.value })} />
              <span className="muted">{t.estimated_minutes ? `${t.estimated_minutes} min` : ''}</span>
            </li>
          ))}
        </ul>
      )}
      {error && <p role="alert" className="error">{error}</p>}
      {waiting ? (
        <button type="button" className="primary" disabled={p.busy || create.isPending} onClick={() => (setError(null), create.mutate())}>
          {create.isPending ? 'Creating…' : kept === 1 ? 'Create 1 task' : `Create ${kept} tasks`}
        </button>
      ) : (
        <NextButton {...p} onClick={() => p.go()} />
      )}
    </div>
  );
}

/** Daily Planning's first step: the open tasks and the hours available today. */
function OpenTasksStep(p: StepProps) {
  const tasks = useQuery({
    queryKey: ['tasks', 'open-for-planning'],
    queryFn: async () => unwrap(await api.GET('/api/v1/tasks', { params: { query: { status: 'pending', limit: 50 } } })),
  });
  const [hours, setHours] = useState('6');
  if (tasks.isPending) return <Loading />;
  if (tasks.isError) return <ErrorState error={tasks.error} retry={() => void tasks.refetch()} />;
  return (
    <div className="stack">
      {tasks.data.length === 0 ? (
        <Empty>No open task.</Empty>
      ) : (
        <ul className="list" aria-label="Open tasks">
          {tasks.data.map((t) => (
            <li key={t.id}>{t.title}</li>
          ))}
        </ul>
      )}
      <label className="field">
        <span>Hours available today</span>
        <input inputMode="decimal" value={hours} onChange={(e) => setHours(e.target.value)} />
      </label>
      <NextButton
        {...p}
        onClick={() =>
          p.go({ date: localDate(), tasks: tasks.data.map((t) => ({ task_id: t.id, title: t.title, priority: t.priority, due_date: t.due_date })), schedule: [], available_hours: Number(hours) || 0 })
        }
      />
    </div>
  );
}

/** Weekly Review's first step: the last seven days in figures. */
function MetricsStep(p: StepProps) {
  const to = localDate();
  const from = localDate(new Date(Date.now() - 6 * 86_400_000));
  const summary = useQuery({
    queryKey: ['analytics', 'summary', { from, to, granularity: 'day' }],
    queryFn: async () => unwrap(await api.GET('/api/v1/analytics/summary', { params: { query: { from, to, granularity: 'day' } } })),
  });
  if (summary.isPending) return <Loading />;
  if (summary.isError) return <ErrorState error={summary.error} retry={() => void summary.refetch()} />;
  const m = { tasks_completed: summary.data.tasks.completed, focus_minutes: summary.data.pomodoro.focus_minutes, goal_progress: summary.data.goals.average_progress ?? null };
  return (
    <div className="stack">
      <ul className="cards" aria-label="The week">
        <li className="card">Tasks completed <strong className="figure">{m.tasks_completed}</strong></li>
        <li className="card">Focus minutes <strong className="figure">{m.focus_minutes}</strong></li>
        <li className="card">Goals' progress <strong className="figure">{m.goal_progress == null ? '–' : `${Math.round(m.goal_progress)} %`}</strong></li>
      </ul>
      <NextButton {...p} onClick={() => p.go({ metrics: m })} />
    </div>
  );
}

function ConfirmStep(p: StepProps & { config: Json }) {
  const ai = previousAi(p);
  const answer = (ai?.step?.output?.answer ?? {}) as Json;
  const plan = Array.isArray(answer.plan) ? (answer.plan as Json[]) : [];
  return (
    <div className="stack">
      {typeof p.config.message === 'string' && <p>{p.config.message}</p>}
      {plan.length > 0 && (
        <ol aria-label="Plan">
          {plan.map((item, i) => (
            <li key={i}>
              {String(item.start ?? '')} {String(item.title ?? '')}
              {item.reason ? <span className="muted"> · {String(item.reason)}</span> : null}
            </li>
          ))}
        </ol>
      )}
      <NextButton {...p} onClick={() => p.go({ plan })} />
    </div>
  );
}

const createdIds = (s: Session) => Object.values(aiSteps(s)).flatMap((a) => a.output?.created ?? []);

function Ended({ session }: { session: Session }) {
  const ids = createdIds(session);
  const created = useQuery({
    queryKey: ['ceremonies', 'created', session.id, ids],
    enabled: ids.length > 0,
    queryFn: async () => Promise.all(ids.map(async (id) => unwrap(await api.GET('/api/v1/tasks/{id}', { params: { path: { id } } })))),
  });
  return (
    <div className="card stack" role="status">
      <h2>{session.status === 'completed' ? 'Done' : 'Cancelled'}</h2>
      {session.status === 'completed' && <p>Completed in {session.duration_minutes ?? 0} min.</p>}
      {ids.length === 0 ? (
        <p className="muted">No task was created.</p>
      ) : created.isPending ? (
        <Loading />
      ) : created.isError ? (
        <ErrorState error={created.error} />
      ) : (
        <>
          <h3>Created tasks</h3>
          <ul className="list" aria-label="Created tasks">
            {created.data.map((t) => (
              <li key={t.id}>
                <Link to={`/tasks/${t.id}`}>{t.title}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
