import type { QueryClient } from '@tanstack/react-query';
import { chartKeysFor, queryKeysFor, type LiveChange } from './stream';

/** What the live feed does with each change: the entity's queries go stale at once; the
 * charts' (`chartKeysFor`) are gathered and refreshed together `chartDelayMs` after the first
 * change that touched them, so a burst of changes costs one refetch per interval. */
export function createLiveInvalidator(client: QueryClient, chartDelayMs = 2000) {
  const pending = new Map<string, string[]>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const keys = [...pending.values()];
    pending.clear();
    keys.forEach((queryKey) => void client.invalidateQueries({ queryKey }));
  };
  const onChange = (change: Pick<LiveChange, 'entity_type' | 'entity_id'>) => {
    queryKeysFor(change).forEach((queryKey) => void client.invalidateQueries({ queryKey }));
    const charts = chartKeysFor(change);
    if (charts.length === 0) return;
    charts.forEach((k) => pending.set(k.join('\u0000'), k));
    timer ??= setTimeout(flush, chartDelayMs);
  };
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    pending.clear();
  };
  return { onChange, stop };
}
