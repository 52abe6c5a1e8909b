import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { messageOf } from '../api/problem';
import { entityKey, historyKey, pastAt, versionsOf, type HistorySource, type Position } from '../lib/history';
import { ActivityList, historyItems } from './ActivityList';
import { HistorySlider } from './HistorySlider';
import { QueryView } from './QueryView';
import { ErrorState } from './States';

export function useHistoryEntries<T>(source: HistorySource<T>, id: string) {
  return useQuery({ queryKey: historyKey(source.root, id), queryFn: () => source.history(id) });
}

/** The entity now, or `as_of` an earlier instant (the last answer stays while the next loads). */
export function useEntityAt<T>(source: HistorySource<T>, id: string, asOf?: string) {
  return useQuery({
    queryKey: entityKey(source.root, id, asOf),
    queryFn: () => source.at(id, asOf),
    placeholderData: asOf ? keepPreviousData : undefined,
  });
}

/** An entity with its history slider: `children` draws it as it is, or as it was at the chosen
 * version (`past`), where "Restore this version" goes back to it when the source can. */
export function EntityHistory<T>({ source, id, children }: { source: HistorySource<T>; id: string; children: (entity: T, past: boolean) => ReactNode }) {
  const client = useQueryClient();
  const [at, setAt] = useState<Position>(null);
  const history = useHistoryEntries(source, id);
  const versions = versionsOf(history.data ?? []);
  const asOf = pastAt(versions, at)?.at;
  const entity = useEntityAt(source, id, asOf);
  const revert = source.revert;
  const restore = useMutation({
    mutationFn: (version: number) => revert!(id, version),
    onSuccess: (fresh) => {
      setAt(null);
      client.setQueryData(entityKey(source.root, id), fresh);
      void client.invalidateQueries({ queryKey: [source.root] });
    },
  });
  return (
    <div className="stack">
      {history.isError && <ErrorState error={history.error} retry={() => void history.refetch()} />}
      <HistorySlider
        versions={versions}
        at={at}
        onMove={(next) => (restore.reset(), setAt(next))}
        onRestore={revert ? (version) => restore.mutate(version) : undefined}
        restoring={restore.isPending}
        error={restore.isError ? messageOf(restore.error) : null}
      />
      {/* While the next version loads, the last one stays (no flicker), marked as loading. */}
      <div aria-busy={entity.isPlaceholderData || undefined} className={entity.isPlaceholderData ? 'stale' : undefined}>
        <QueryView query={entity}>{(e) => children(e, asOf !== undefined)}</QueryView>
      </div>
    </div>
  );
}

/** The Activity tab of a pane: the entity's history, newest first. */
export function HistoryActivity<T>({ source, id }: { source: HistorySource<T>; id: string }) {
  const history = useHistoryEntries(source, id);
  return <QueryView query={history}>{(entries) => <ActivityList items={historyItems(entries)} />}</QueryView>;
}
