import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import type { components } from '../api/schema';
import { EntityPane, PaneRow } from '../components/EntityPane';
import { QueryList, QueryView } from '../components/QueryView';
import { Alert, Empty, ErrorState, Loading } from '../components/States';
import { localDate } from '../lib/dates';
import { ceremonySessionPane } from '../lib/entityPanes';
import { schedulePlan } from '../lib/schedule';
import { aiRunning, aiStatusText, keptTasks, minutesError, planFrom, proposalsFrom, remaining, textOf, textsOf, timerBounds, wordCount, type Json, type PlanItem, type Proposal } from '../lib/ceremony';

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
  const past = useQuery({
    queryKey: ['ceremonies', 'sessions', 'recent'],
    queryFn: async () => unwrap(await api.GET('/api/v1/ceremonies/sessions/history', { params: { query: { limit: 10 } } })),
  });
  const [open, setOpen] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: async (templateId: string) => unwrap(await api.POST('/api/v1/ceremonies/sessions/start', { body: { template_id: templateId } })),
    onSuccess: (s) => navigate(`/ceremonies/${s.id}`),
  });
  const names = new Map((templates.data ?? []).map((t) => [t.id, t.name]));
  return (
    <>
      <section className="content stack" aria-labelledby="ceremonies-title">
        <h1 id="ceremonies-title">Ceremonies</h1>
        <QueryList query={templates} label="Ceremonies" empty="No ceremonies are defined.">
          {(t) => (
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
          )}
        </QueryList>
        <Alert message={start.isError ? messageOf(start.error) : null} />
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
        <h2>Recent sessions</h2>
        <QueryList query={past} label="Recent sessions" loading="Loading sessions" empty="No session yet. Start a ceremony above.">
          {(s) => (
            <PaneRow
              key={s.id}
              id={s.id}
              open={open}
              onOpen={setOpen}
              name={
                <>
                  {names.get(s.template_id) ?? 'Ceremony'} <span className="muted">· {s.status} · {new Date(s.started_at).toLocaleString()}</span>
                </>
              }
            />
          )}
        </QueryList>
      </section>
      {open && <EntityPane spec={ceremonySessionPane} id={open} onClose={() => setOpen(null)} />}
    </>
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
          <Alert message={error} />
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
      <Alert message={error} full />
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
  const answer = answerOf(execution.data);
  return (
    <div className="stack">
      <p role="status" aria-live="polite" className={failed ? 'error' : undefined}>
        {aiStatusText(status, execution.data?.error)}
      </p>
      <Alert message={run.isError ? messageOf(run.error) : null} />
      {answer !== undefined && <AiAnswer answer={answer} />}
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

/** What the AI answered: the output of the execution's `ai_process` step. */
const answerOf = (execution: { steps: { type: string; output?: unknown }[] } | undefined) => execution?.steps.find((s) => s.type === 'ai_process')?.output;

/** The answer's parts a person reads: a summary, insights, wins, a plan. */
function AiAnswer({ answer }: { answer: unknown }) {
  const summary = textOf(answer, 'summary');
  const insights = textsOf(answer, 'insights');
  const wins = textsOf(answer, 'wins');
  return (
    <>
      {summary && <blockquote>{summary}</blockquote>}
      {insights.length > 0 && <TextList label="Insights" items={insights} />}
      {wins.length > 0 && <TextList label="Wins" items={wins} />}
      <PlanList plan={planFrom(answer)} />
    </>
  );
}

function TextList({ label, items }: { label: string; items: string[] }) {
  return (
    <>
      <h3>{label}</h3>
      <ul aria-label={label}>
        {items.map((t, i) => (
          <li key={i}>{t}</li>
        ))}
      </ul>
    </>
  );
}

function PlanList({ plan }: { plan: PlanItem[] }) {
  if (plan.length === 0) return null;
  return (
    <ol aria-label="Plan">
      {plan.map((item, i) => (
        <li key={i}>
          {item.start} {item.title}
          {item.estimated_minutes ? <span className="muted"> · {item.estimated_minutes} min</span> : null}
          {item.reason ? <span className="muted"> · {item.reason}</span> : null}
        </li>
      ))}
    </ol>
  );
}

/** The AI step before `index`: its component id, what the session holds of it, its execution
 * and its answer (from the execution, which the session records only once it ends). */
function usePreviousAi(p: StepProps) {
  let ai: { id: string; step: AiStep | undefined } | null = null;
  for (let i = p.index - 1; i >= 0 && !ai; i--) {
    const c = p.components[i];
    if (c?.type === 'ai_processor') ai = { id: c.id, step: aiSteps(p.session)[c.id] };
  }
  const execution = useExecution(ai?.step?.execution_id);
  return { ai, execution, answer: answerOf(execution.data) ?? ai?.step?.output?.answer };
}

function ReviewStep(p: StepProps & { config: Json }) {
  const client = useQueryClient();
  const { ai, execution, answer } = usePreviousAi(p);
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
      <Alert message={error} />
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
  return (
    <QueryView query={tasks}>
      {(open) => (
        <div className="stack">
          {open.length === 0 ? (
            <Empty>No open task.</Empty>
          ) : (
            <ul className="list" aria-label="Open tasks">
              {open.map((t) => (
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
              p.go({ date: localDate(), tasks: open.map((t) => ({ task_id: t.id, title: t.title, priority: t.priority, due_date: t.due_date })), schedule: [], available_hours: Number(hours) || 0 })
            }
          />
        </div>
      )}
    </QueryView>
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
  return <QueryView query={summary}>{(week) => <WeekFigures {...p} week={week} />}</QueryView>;
}

function WeekFigures(p: StepProps & { week: { tasks: { completed: number }; pomodoro: { focus_minutes: number }; goals: { average_progress?: number | null } } }) {
  const m = { tasks_completed: p.week.tasks.completed, focus_minutes: p.week.pomodoro.focus_minutes, goal_progress: p.week.goals.average_progress ?? null };
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

/** Daily Planning's last step: the AI's plan. Its template `applies: schedule`, which the
 * server does not do on completion, so Finish first adds the plan to today's schedule
 * (`POST /schedule/daily`, the day's blocks kept) and records what it placed. */
function ConfirmStep(p: StepProps & { config: Json }) {
  const client = useQueryClient();
  const { execution, answer } = usePreviousAi(p);
  const plan = planFrom(answer);
  const applies = p.config.applies === 'schedule';
  const schedule = useMutation({
    mutationFn: () => schedulePlan(localDate(), plan),
    onSuccess: (r) => {
      void client.invalidateQueries({ queryKey: ['schedule'] });
      void client.invalidateQueries({ queryKey: ['today'] });
      p.go({ plan: plan as unknown as Json, scheduled: r.added.map((b) => `${b.start}–${b.end} ${b.title}`), not_scheduled: r.skipped.map((s) => `${s.title}: ${s.reason}`) });
    },
  });
  return (
    <div className="stack">
      {typeof p.config.message === 'string' && <p>{p.config.message}</p>}
      {execution.isError && <ErrorState error={execution.error} retry={() => void execution.refetch()} />}
      <PlanList plan={plan} />
      {applies && plan.length > 0 && <p className="muted">Finish adds the plan to today's schedule, beside the blocks it already has.</p>}
      <Alert message={schedule.isError ? `Today's schedule was not changed: ${messageOf(schedule.error)}` : null} />
      <NextButton {...p} busy={p.busy || schedule.isPending} onClick={() => (applies && plan.length > 0 ? schedule.mutate() : p.go({ plan: plan as unknown as Json }))} />
    </div>
  );
}

/** What a confirm step placed on today's schedule, and what it could not. */
function Scheduled({ session }: { session: Session }) {
  const input = Object.values((session.input_data ?? {}) as unknown as Record<string, Json>).find((v) => v && Array.isArray(v.scheduled));
  if (!input) return null;
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : []);
  const placed = list(input.scheduled);
  const left = list(input.not_scheduled);
  return (
    <>
      <h3>Today's schedule</h3>
      {placed.length === 0 ? (
        <p className="muted">Nothing was added to today's schedule.</p>
      ) : (
        <ul aria-label="Added to today's schedule">
          {placed.map((t) => (
            <li key={t}>{t}</li>
          ))}
        </ul>
      )}
      {left.length > 0 && <p style={{ marginBottom: 0 }}>Not added:</p>}
      {left.length > 0 && (
        <ul aria-label="Not added to the schedule">
          {left.map((t) => (
            <li key={t}>{t}</li>
          ))}
        </ul>
      )}
      <Link to="/schedule">Open the schedule</Link>
    </>
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
      {session.status === 'completed' && <Scheduled session={session} />}
      {ids.length === 0 ? (
        <p className="muted">No task was created.</p>
      ) : (
        <>
          <h3>Created tasks</h3>
          <QueryList query={created} label="Created tasks">
            {(t) => (
              <li key={t.id}>
                <Link to={`/tasks/${t.id}`}>{t.title}</Link>
              </li>
            )}
          </QueryList>
        </>
      )}
    </div>
  );
}
