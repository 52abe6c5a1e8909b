/** Pure logic of running a ceremony: word counts, the timer's minutes, the AI step's status and
 * the tasks a review keeps. */

export type Json = Record<string, unknown>;

/** Words as a person counts them: runs of letters or digits, apostrophes and hyphens inside. */
export function wordCount(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}

/** The minutes a timer step allows, from its `config` (`minutes`, `min_minutes`, `max_minutes`). */
export function timerBounds(config: Json) {
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return { value: num(config.minutes, 15), min: num(config.min_minutes, 1), max: num(config.max_minutes, 240) };
}

export function minutesError(raw: string, config: Json): string | null {
  const { min, max } = timerBounds(config);
  const n = Number(raw);
  return raw.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? null : `Choose ${min} to ${max} minutes.`;
}

/** `mm:ss` left of `minutes` started at `startedAt` (never below zero). */
export function remaining(minutes: number, startedAt: number, now: number): string {
  const left = Math.max(0, Math.ceil((startedAt + minutes * 60_000 - now) / 1000));
  return `${String(Math.floor(left / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}`;
}

/** A task the AI proposed, as the review edits it. */
export interface Proposal {
  title: string;
  priority: number;
  estimated_minutes: number | null;
  keep: boolean;
}

/** The proposals at `source` (`ai_output.tasks`, `ai_output.next_steps`) of the AI's answer. */
export function proposalsFrom(answer: unknown, source: unknown): Proposal[] {
  const key = typeof source === 'string' && source.startsWith('ai_output.') ? source.slice('ai_output.'.length) : 'tasks';
  const list = answer && typeof answer === 'object' ? (answer as Json)[key] : undefined;
  if (!Array.isArray(list)) return [];
  return list
    .filter((t): t is Json => !!t && typeof t === 'object' && typeof (t as Json).title === 'string')
    .map((t) => ({
      title: String(t.title),
      priority: typeof t.priority === 'number' ? t.priority : 2,
      estimated_minutes: typeof t.estimated_minutes === 'number' ? t.estimated_minutes : null,
      keep: true,
    }));
}

/** What the review answers: the kept tasks with a title, as the workflow's input. */
export function keptTasks(proposals: Proposal[]) {
  return proposals
    .filter((p) => p.keep && p.title.trim())
    .map((p) => ({ title: p.title.trim().slice(0, 500), priority: p.priority, ...(p.estimated_minutes ? { estimated_minutes: p.estimated_minutes } : {}) }));
}

/** The AI step's state as a person reads it, from the execution's status. */
export function aiStatusText(status: string | undefined, error?: string | null): string {
  switch (status) {
    case undefined:
      return 'Not run yet.';
    case 'pending':
    case 'running':
      return 'The AI is working on it…';
    case 'waiting_input':
      return 'The AI answered: review its tasks next.';
    case 'completed':
    case 'succeeded':
      return 'The AI answered.';
    case 'cancelled':
      return 'The AI step was cancelled.';
    default:
      return `The AI step failed${error ? `: ${error}` : '.'}`;
  }
}

export const aiRunning = (status: string | undefined) => status === 'pending' || status === 'running';

const field = (answer: unknown, key: string): unknown => (answer && typeof answer === 'object' && !Array.isArray(answer) ? (answer as Json)[key] : undefined);

/** A text field of the AI's answer (`summary`), if it is one. */
export function textOf(answer: unknown, key: string): string | null {
  const v = field(answer, key);
  return typeof v === 'string' && v.trim() ? v : null;
}

/** A list of texts of the AI's answer (`insights`, `wins`), without what is not text. */
export function textsOf(answer: unknown, key: string): string[] {
  const v = field(answer, key);
  return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string' && t.trim() !== '') : [];
}

/** One entry of Daily Planning's plan. */
export interface PlanItem {
  task_id: string | null;
  title: string;
  start: string;
  estimated_minutes: number | null;
  priority: number | null;
  reason: string;
}

/** Daily Planning's `plan`, in start order, each entry with a title. */
export function planFrom(answer: unknown): PlanItem[] {
  const v = field(answer, 'plan');
  if (!Array.isArray(v)) return [];
  return v
    .filter((t): t is Json => !!t && typeof t === 'object' && typeof (t as Json).title === 'string')
    .map((t) => ({
      task_id: typeof t.task_id === 'string' ? t.task_id : null,
      title: String(t.title),
      start: typeof t.start === 'string' ? t.start : '',
      estimated_minutes: typeof t.estimated_minutes === 'number' ? t.estimated_minutes : null,
      priority: typeof t.priority === 'number' ? t.priority : null,
      reason: typeof t.reason === 'string' ? t.reason : '',
    }))
    .sort((a, b) => a.start.localeCompare(b.start));
}
