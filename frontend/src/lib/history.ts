import type { Schemas } from '../api/client';

export type HistoryEntry = Schemas['HistoryEntry'];

/** How a pane reads an entity's past: its events (`GET .../{id}/history`, oldest first), the
 * entity now or `as_of` an instant, and, where the API has one, a way back to an earlier
 * version (`POST .../{id}/revert {version}`). `root` is the entity type's query key, the one
 * the live feed invalidates. */
export interface HistorySource<T> {
  root: string;
  history: (id: string) => Promise<HistoryEntry[]>;
  at: (id: string, asOf: string | undefined) => Promise<T>;
  revert?: (id: string, version: number) => Promise<T>;
}

export const historyKey = (root: string, id: string) => [root, 'history', id];
export const entityKey = (root: string, id: string, asOf?: string) => [root, 'one', id, asOf ?? null];

/** One state the entity was in: the events recorded at one instant (an edit of three fields is
 * three events, one version), ending at stream version `sequence`. */
export interface Version {
  at: string;
  sequence: number;
}

/** The entity's successive states, oldest first. */
export function versionsOf(entries: HistoryEntry[]): Version[] {
  const out: Version[] = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    if (last && last.at === e.at) last.sequence = Math.max(last.sequence, e.sequence);
    else out.push({ at: e.at, sequence: e.sequence });
  }
  return out;
}

/** The slider's position among the versions: `null` follows the newest. */
export type Position = number | null;

export function positionIndex(versions: Version[], at: Position): number {
  return at === null ? versions.length - 1 : Math.min(at, versions.length - 1);
}

/** The version shown at a position, or none at the newest (the entity now). */
export function pastAt(versions: Version[], at: Position): Version | undefined {
  const i = positionIndex(versions, at);
  return i < versions.length - 1 ? versions[i] : undefined;
}

/** `NoteContentChanged` → "Note content changed". */
export function eventLabel(type: string): string {
  const words = type
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.]/g, ' ')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function short(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** What a change did, when its event says (`from` → `to`). */
export function eventDetail(data: unknown): string | undefined {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  return 'from' in d || 'to' in d ? `${short(d.from)} → ${short(d.to)}` : undefined;
}
