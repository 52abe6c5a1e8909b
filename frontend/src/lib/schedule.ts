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
