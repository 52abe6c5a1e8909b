import { api, type Schemas } from '../api/client';
import { ApiError, unwrap } from '../api/problem';

/** Reads a day's blocks (`null` for a day with none planned). */
export async function loadDay(date: string) {
  try {
    return unwrap(await api.GET('/api/v1/schedule/daily/{date}', { params: { path: { date } } }));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export type Block = Schemas['BlockBody'];

/** A day's blocks in time order (none for a day with no schedule). */
export function sortedBlocks(day: Awaited<ReturnType<typeof loadDay>> | undefined): Block[] {
  return ((day?.blocks ?? []) as unknown as Block[]).slice().sort((a, b) => a.start.localeCompare(b.start));
}

/** A block as `POST /schedule/daily` takes it (what the server adds, such as ids, left out). */
export const blockBody = (b: Block): Block => ({ start: b.start, end: b.end, title: b.title, kind: b.kind ?? null, task_id: b.task_id ?? null });

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const timeOf = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** One entry of a plan to lay on a day: a title, a start `HH:MM`, minutes, a task. */
export interface Planned {
  title: string;
  start: string;
  estimated_minutes: number | null;
  task_id: string | null;
}

export interface PlanOnDay {
  /** The day's blocks with the plan's added, in time order. */
  blocks: Block[];
  added: Block[];
  /** What could not be placed, and why. */
  skipped: { title: string; reason: string }[];
}

/** Lays a plan over a day's blocks: each entry becomes a block from its start for its
 * minutes (30 when it has none, ending by 24:00); one with no start time, or that would
 * overlap a block already there (or one placed before it), is left out with the reason. */
export function planOnDay(day: Block[], plan: Planned[], minutes = 30): PlanOnDay {
  const blocks = day.map(blockBody);
  const added: Block[] = [];
  const skipped: PlanOnDay['skipped'] = [];
  for (const p of plan) {
    if (!HHMM.test(p.start)) {
      skipped.push({ title: p.title, reason: 'no start time' });
      continue;
    }
    const from = minutesOf(p.start);
    const to = Math.min(from + Math.max(1, Math.round(p.estimated_minutes ?? minutes)), 24 * 60);
    const block: Block = { start: p.start, end: timeOf(to), title: p.title.slice(0, 200), kind: 'planned', task_id: p.task_id };
    const clash = blocks.find((b) => minutesOf(b.start) < to && from < minutesOf(b.end));
    if (clash) {
      skipped.push({ title: p.title, reason: `overlaps ${clash.title} (${clash.start}–${clash.end})` });
      continue;
    }
    blocks.push(block);
    added.push(block);
  }
  blocks.sort((a, b) => a.start.localeCompare(b.start));
  return { blocks, added, skipped };
}

/** Adds a plan to a day's schedule on the server (`POST /schedule/daily` with the day's blocks
 * and the plan's); nothing is sent when no entry can be placed. */
export async function schedulePlan(date: string, plan: Planned[]): Promise<PlanOnDay> {
  const result = planOnDay(sortedBlocks(await loadDay(date)), plan);
  if (result.added.length > 0) unwrap(await api.POST('/api/v1/schedule/daily', { body: { date, blocks: result.blocks } }));
  return result;
}
