import type { ReactNode } from 'react';
import { Empty, ErrorState, Loading } from './States';

/** The part of a TanStack query a view needs (a plain, an infinite or a paged one). */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

interface ViewProps<T> {
  query: QueryLike<T>;
  /** What is loading, for the live region ("Loading goals"). */
  loading?: string;
  /** Shown instead of `children` when `isEmpty` says so: what to do next. */
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}

/** A query's loading, error (its problem's `detail`, with Try again) and empty states, else
 * `children` with the data. */
export function QueryView<T>({ query, loading, empty, isEmpty, children }: ViewProps<T>) {
  if (query.isPending) return <Loading what={loading} />;
  if (query.isError || query.data === undefined) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  if (empty !== undefined && isEmpty?.(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}

interface ListProps<T> extends Omit<ViewProps<T[]>, 'children' | 'isEmpty'> {
  /** The list's accessible name. */
  label: string;
  className?: string;
  /** One `<li>` (with its `key`) per row. */
  children: (item: T, index: number) => ReactNode;
}

/** A query-backed list: loading, error and empty states, then one row per item. */
export function QueryList<T>({ query, label, className = 'list', empty, loading, children }: ListProps<T>) {
  return (
    <QueryView query={query} loading={loading} empty={empty} isEmpty={(rows) => rows.length === 0}>
      {(rows) => (
        <ul className={className} aria-label={label}>
          {rows.map(children)}
        </ul>
      )}
    </QueryView>
  );
}
