import type { FieldSpec, Values } from '../components/EditForm';
import type { HistorySource } from './history';

/** What `EntityPane` needs to draw an entity: its history source, a title, its facts as
 * `[label, value]` (a blank value shows as "—", a flag as yes or no) and, when the API has
 * a PATCH for it, the edit form's fields, their values from the entity, and the save. */
export interface PaneSpec<T, K extends string = string> {
  label: string;
  source: HistorySource<T>;
  title: (entity: T) => string;
  facts: (entity: T) => [string, unknown][];
  edit?: {
    fields: FieldSpec<K>[];
    initial: (entity: T) => Values<K>;
    save: (entity: T, values: Values<K>) => Promise<unknown>;
  };
}

/** `?as_of=` when looking at the past. */
export const asOfQuery = (asOf: string | undefined) => (asOf ? { as_of: asOf } : {});

/** A form's text as the API takes it: trimmed, blank as `null`. */
export const orNull = (v: string) => v.trim() || null;

/** A form's number: blank as `null`; what is no number stops the save with `label`'s message. */
export function numberOrNull(v: string, label: string): number | null {
  if (v.trim() === '') return null;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${label}: not a number.`);
  return n;
}

export const YES_NO: [string, string][] = [
  ['true', 'yes'],
  ['false', 'no'],
];
