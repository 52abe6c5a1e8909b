import { useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import type { PaneSpec } from '../lib/paneSpec';
import { EditForm } from './EditForm';
import { HistoryPane } from './HistoryPane';

/** The pane of any entity with a history, drawn from its spec: Details (its facts, now or as
 * they were at the slider's version, and its edit form where the API has a PATCH) and
 * Activity. */
export function EntityPane<T, K extends string>({ spec, id, onClose }: { spec: PaneSpec<T, K>; id: string; onClose: () => void }) {
  return (
    <HistoryPane key={id} label={spec.label} source={spec.source} id={id} onClose={onClose}>
      {(entity, past) => <EntityDetails spec={spec} entity={entity} past={past} />}
    </HistoryPane>
  );
}

const shown = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

function EntityDetails<T, K extends string>({ spec, entity, past }: { spec: PaneSpec<T, K>; entity: T; past: boolean }) {
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const edit = spec.edit;
  if (edit && editing && !past)
    return (
      <EditForm
        fields={edit.fields}
        initial={edit.initial(entity)}
        onSave={async (values) => {
          await edit.save(entity, values);
          await client.invalidateQueries({ queryKey: [spec.source.root] });
        }}
        onDone={() => setEditing(false)}
      />
    );
  return (
    <div className="stack">
      <h3 style={{ marginBottom: 0 }}>{spec.title(entity)}</h3>
      <dl className="facts">
        {spec.facts(entity).map(([label, value]) => (
          <div key={label} style={{ display: 'contents' }}>
            <dt>{label}</dt>
            <dd>{shown(value)}</dd>
          </div>
        ))}
      </dl>
      {edit && !past && (
        <button type="button" onClick={() => setEditing(true)}>
          Edit {spec.label.toLowerCase()}
        </button>
      )}
    </div>
  );
}

/** A row of a list whose entities open in a pane: its name as the button that opens it
 * (`selected` while open), then whatever else the row shows. */
export function PaneRow({ id, open, onOpen, name, children }: { id: string; open: string | null; onOpen: (id: string) => void; name: ReactNode; children?: ReactNode }) {
  return (
    <li className={open === id ? 'selected' : ''}>
      <button type="button" className="title" onClick={() => onOpen(id)}>
        {name}
      </button>
      {children}
    </li>
  );
}
