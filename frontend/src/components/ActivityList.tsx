import type { HistoryEntry } from '../lib/history';
import { eventDetail, eventLabel } from '../lib/history';

export interface ActivityItem {
  key: string;
  what: string;
  at: string;
  detail?: string;
}

/** Who changed what, when: newest first. */
export function ActivityList({ items }: { items: ActivityItem[] }) {
  if (items.length === 0) return <p className="muted">No activity yet.</p>;
  return (
    <ol className="timeline" aria-label="Activity">
      {items.map((a) => (
        <li key={a.key}>
          <strong>{a.what}</strong> <span className="muted">{new Date(a.at).toLocaleString()}</span>
          {a.detail && <div className="muted">{a.detail}</div>}
        </li>
      ))}
    </ol>
  );
}

/** A history's events as activity items, newest first. */
export function historyItems(entries: HistoryEntry[]): ActivityItem[] {
  return entries
    .slice()
    .reverse()
    .map((e) => ({ key: String(e.sequence), what: eventLabel(e.type), at: e.at, detail: eventDetail(e.data) }));
}
