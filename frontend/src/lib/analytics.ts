import type { components } from '../api/schema';
import { localDate } from './dates';

type S = components['schemas'];
export type Granularity = S['AnalyticsGranularity'];
export interface Period {
  from: string;
  to: string;
  granularity: Granularity;
}

const DAY = 86_400_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The server's limits: more buckets than these is a 422. */
export const MAX_RANGE: Record<Granularity, { count: number; unit: string }> = {
  day: { count: 366, unit: 'days' },
  week: { count: 260, unit: 'weeks' },
  month: { count: 120, unit: 'months' },
};

const parse = (day: string) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN);

/** The last 30 days by day, as the server's own default. */
export function defaultPeriod(today = new Date()): Period {
  const to = localDate(today);
  return { from: new Date(parse(to) - 29 * DAY).toISOString().slice(0, 10), to, granularity: 'day' };
}

/** Why the server would refuse this period, or `null`: checked before asking. */
export function periodError(p: Period): string | null {
  const from = parse(p.from);
  const to = parse(p.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return 'Choose both days.';
  if (to < from) return 'The end comes before the start.';
  const days = (to - from) / DAY + 1;
  const a = new Date(from);
  const b = new Date(to);
  const count =
    p.granularity === 'day'
      ? days
      : p.granularity === 'week'
        ? Math.ceil(days / 7)
        : (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
  const max = MAX_RANGE[p.granularity];
  return count > max.count ? `At most ${max.count} ${max.unit} at a time.` : null;
}

/** A bucket's axis label: `7 Dec`, `w 7 Dec` (the week's Monday) or `Dec 2026`. */
export function bucketLabel(start: string, granularity: Granularity): string {
  const [y, m, d] = start.slice(0, 10).split('-').map(Number);
  const month = MONTHS[(m ?? 1) - 1];
  if (granularity === 'month') return `${month} ${y}`;
  return `${granularity === 'week' ? 'w ' : ''}${d} ${month}`;
}

/** Millionths of a US dollar as dollars, precise enough for tiny costs. */
export function formatCost(micro: number): string {
  const usd = micro / 1_000_000;
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

export const percent = (v: number | null | undefined) => (v == null ? '–' : `${Math.round(v * 100)} %`);

export interface TaskRow { label: string; created: number; completed: number; overdue: number }
export const taskRows = (t: S['AnalyticsTasks']): TaskRow[] =>
  t.buckets.map((b) => ({ label: bucketLabel(b.start, t.period.granularity), created: b.created, completed: b.completed, overdue: b.overdue }));

export interface FocusRow { label: string; minutes: number; sessions: number; interruptions: number }
export const focusRows = (p: S['AnalyticsPomodoro']): FocusRow[] =>
  p.buckets.map((b) => ({ label: bucketLabel(b.start, p.period.granularity), minutes: b.focus_minutes, sessions: b.sessions, interruptions: b.interruptions }));

export interface MoodRow { type: string; mood: number | null; energy: number | null; count: number }
/** Mean mood and energy after each kind of activity (1 to 10, one decimal). */
export const moodRows = (a: S['AnalyticsActivities']): MoodRow[] =>
  a.by_type.map((t) => ({
    type: t.activity_type,
    mood: t.mood_after == null ? null : Math.round(t.mood_after * 10) / 10,
    energy: t.energy_after == null ? null : Math.round(t.energy_after * 10) / 10,
    count: t.count,
  }));

export interface ProviderRow { provider: string; requests: number; failures: number; cost: number }
/** Requests and cost summed per provider over its models, most used first. */
export function providerRows(ai: S['AnalyticsAi']): ProviderRow[] {
  const by = new Map<string, ProviderRow>();
  for (const m of ai.by_model) {
    const row = by.get(m.provider) ?? { provider: m.provider, requests: 0, failures: 0, cost: 0 };
    row.requests += m.requests;
    row.failures += m.failures;
    row.cost += m.cost_micro_usd / 1_000_000;
    by.set(m.provider, row);
  }
  return [...by.values()].sort((x, y) => y.requests - x.requests || x.provider.localeCompare(y.provider));
}

/** Whether any bucket holds a non-zero figure (an all-zero chart shows as empty). */
export const hasData = <T extends object>(rows: T[], keys: (keyof T)[]) => rows.some((r) => keys.some((k) => Number(r[k] ?? 0) > 0));
