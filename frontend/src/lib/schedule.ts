import { api } from '../api/client';
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
