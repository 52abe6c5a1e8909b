import { useState, type ReactNode } from 'react';
import type { HistorySource } from '../lib/history';
import { EntityHistory, HistoryActivity } from './EntityHistory';
import { Pane } from './Pane';
import { Tabs } from './Tabs';

type Tab = 'details' | 'activity';
const TABS: [Tab, string][] = [
  ['details', 'Details'],
  ['activity', 'Activity'],
];

/** The pane of a goal, project or client: Details with the history slider (`children` draws
 * the entity now or as it was: `past`), and Activity, its history newest first. */
export function HistoryPane<T>({ label, source, id, onClose, children }: { label: string; source: HistorySource<T>; id: string; onClose: () => void; children: (entity: T, past: boolean) => ReactNode }) {
  const [tab, setTab] = useState<Tab>('details');
  return (
    <Pane label={label} onClose={onClose}>
      <Tabs label={label} tabs={TABS} value={tab} onChange={setTab} />
      {tab === 'details' ? (
        <EntityHistory source={source} id={id}>
          {children}
        </EntityHistory>
      ) : (
        <HistoryActivity source={source} id={id} />
      )}
    </Pane>
  );
}
