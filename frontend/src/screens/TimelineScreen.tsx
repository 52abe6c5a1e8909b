import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { QueryView } from '../components/QueryView';

const TYPES = ['', 'task', 'board', 'goal', 'note', 'folder', 'project', 'client', 'pomodoro', 'schedule', 'activity', 'settings'];

/** Everything the caller changed, newest first (the audit log). */
export default function TimelineScreen() {
  const [type, setType] = useState('');
  const audit = useInfiniteQuery({
    queryKey: ['audit', type],
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page: Schemas['AuditPage']) => page.next_before ?? undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/audit', { params: { query: { entity_type: type || undefined, before: pageParam, limit: 50 } } })),
  });
  const events = audit.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <section className="content stack" aria-labelledby="timeline-title">
      <h1 id="timeline-title">Timeline</h1>
      <label className="field" style={{ maxWidth: 240 }}>
        <span>Kind of item</span>
        <select value={type} onChange={(e) => setType(e.target.value)}>
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t || 'Everything'}
            </option>
          ))}
        </select>
      </label>
      <QueryView query={audit} loading="Loading the timeline" isEmpty={() => events.length === 0} empty="Nothing has happened yet. What you change appears here.">
        {() => (
          <>
            <ol className="timeline" aria-label="Changes">
              {events.map((e) => (
                <li key={e.position}>
                  <strong>
                    {e.entity_type} {e.action}
                  </strong>{' '}
                  <span className="muted">{new Date(e.at).toLocaleString()}</span>
                  {e.changes.length > 0 && (
                    <div className="muted">
                      {e.changes
                        .slice(0, 4)
                        .map((c) => `${c.field}: ${short(c.from)} → ${short(c.to)}`)
                        .join('; ')}
                    </div>
                  )}
                </li>
              ))}
            </ol>
            {audit.hasNextPage && (
              <button type="button" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
                Older changes
              </button>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}

function short(value: unknown): string {
  if (value === null || value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
