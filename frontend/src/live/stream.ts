import { authFetch } from '../api/authFetch';
import { API_BASE } from '../api/config';
import { createSseParser } from './sse';

/** One change of the caller's timeline, as `GET /events/stream` sends it. */
export interface LiveChange {
  position: number;
  entity_type: string;
  entity_id: string;
  version: number;
  type: string;
  action: string;
  actor?: string | null;
  at: string;
}

/** Follows the live feed with the bearer token (EventSource cannot send one), resuming with
 * `Last-Event-ID` after a drop. Returns a function that stops it. */
export function followChanges(onChange: (change: LiveChange) => void, onStatus?: (live: boolean) => void): () => void {
  const controller = new AbortController();
  let lastId: string | undefined;
  let delay = 1000;

  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream' };
        if (lastId) headers['Last-Event-ID'] = lastId;
        const res = await authFetch(`${API_BASE}/events/stream`, { headers, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`live feed: ${res.status}`);
        onStatus?.(true);
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        const parse = createSseParser((e) => {
          if (e.id) lastId = e.id;
          try {
            onChange(JSON.parse(e.data) as LiveChange);
          } catch {
            // A malformed event is skipped; the next one still counts.
          }
        });
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parse(value);
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      onStatus?.(false);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30000);
    }
  };
  void run();
  return () => controller.abort();
}

/** Which cached queries a change makes stale at once: its entity type's lists and the entity. */
export function queryKeysFor(change: Pick<LiveChange, 'entity_type' | 'entity_id'>): string[][] {
  const type = change.entity_type.toLowerCase();
  const map: Record<string, string[]> = {
    task: ['tasks', 'today', 'board'],
    board: ['board'],
    kanban_board: ['board'],
    goal: ['goals'],
    note: ['notes'],
    folder: ['folders', 'notes'],
    project: ['projects'],
    client: ['clients'],
    pomodoro: ['pomodoro', 'today'],
    pomodoro_session: ['pomodoro', 'today'],
    schedule: ['schedule', 'today'],
    daily_schedule: ['schedule', 'today'],
    schedule_template: ['schedule'],
    activity: ['activities'],
    activity_goal: ['activities'],
    attachment: ['attachments'],
    settings: ['settings'],
    ai_provider: ['ai-providers'],
    ai_prompt: ['prompts'],
    ai_workflow_execution: ['executions'],
    ceremony_session: ['ceremonies'],
    ceremony_template: ['ceremonies'],
  };
  const roots = map[type] ?? [type + 's'];
  return [...roots.map((r) => [r]), ['audit']];
}

/** Entity types whose changes move the figures of Insights (`/analytics/*`). */
const ANALYTICS_SOURCES = new Set(['task', 'pomodoro', 'pomodoro_session', 'goal', 'activity', 'activity_goal', 'ai_request', 'ai_workflow_execution']);

/** The charts a change makes stale: Insights' analytics queries and, for an activity, the
 * mood and energy chart. Refetching them costs the server an aggregation each, so the live
 * feed refreshes them at most once per interval (`createLiveInvalidator`). */
export function chartKeysFor(change: Pick<LiveChange, 'entity_type'>): string[][] {
  const type = change.entity_type.toLowerCase();
  if (!ANALYTICS_SOURCES.has(type)) return [];
  return type.startsWith('activity') ? [['analytics'], ['activities']] : [['analytics']];
}
