/** A row of tabs; the chosen one is `value`. */
export function Tabs<K extends string>({ tabs, value, onChange, label }: { tabs: [K, string][]; value: K; onChange: (k: K) => void; label: string }) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map(([key, name]) => (
        <button key={key} role="tab" type="button" aria-selected={value === key} onClick={() => onChange(key)}>
          {name}
        </button>
      ))}
    </div>
  );
}
