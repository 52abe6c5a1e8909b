import type { ReactNode } from 'react';

/** The detail pane beside a list: its name, a Close button, then its content. */
export function Pane({ label, title = label, onClose, closeHint, children }: { label: string; title?: string; onClose: () => void; closeHint?: ReactNode; children: ReactNode }) {
  return (
    <aside className="pane" aria-label={label}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>{title}</h2>
        <button type="button" onClick={onClose}>
          Close {closeHint}
        </button>
      </div>
      {children}
    </aside>
  );
}
