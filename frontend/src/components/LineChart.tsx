/** A small line chart (values 1 to 10 over dates) with labelled axes; each point has a
 * tooltip, and the figures are also in the table beside it for screen readers. */
export function LineChart({ title, series, labels }: { title: string; labels: string[]; series: { name: string; color: string; values: (number | null)[] }[] }) {
  const w = 480;
  const h = 180;
  const pad = { left: 32, right: 12, top: 12, bottom: 28 };
  const x = (i: number) => pad.left + (labels.length <= 1 ? 0 : (i * (w - pad.left - pad.right)) / (labels.length - 1));
  const y = (v: number) => pad.top + ((10 - v) * (h - pad.top - pad.bottom)) / 9;
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label={title} style={{ maxWidth: w }}>
        {[1, 5, 10].map((v) => (
          <g key={v}>
            <line x1={pad.left} x2={w - pad.right} y1={y(v)} y2={y(v)} stroke="var(--line)" />
            <text x={pad.left - 6} y={y(v) + 4} textAnchor="end" fontSize="11" fill="var(--fg-soft)">
              {v}
            </text>
          </g>
        ))}
        {labels.map((l, i) =>
          i === 0 || i === labels.length - 1 ? (
            <text key={i} x={x(i)} y={h - 8} textAnchor={i === 0 ? 'start' : 'end'} fontSize="11" fill="var(--fg-soft)">
              {l}
            </text>
          ) : null,
        )}
        {series.map((s) => {
          const points = s.values.map((v, i) => (v == null ? null : ([x(i), y(v), v] as const))).filter((p) => p !== null);
          return (
            <g key={s.name}>
              <polyline fill="none" stroke={s.color} strokeWidth="2" points={points.map(([px, py]) => `${px},${py}`).join(' ')} />
              {points.map(([px, py, v], i) => (
                <circle key={i} cx={px} cy={py} r="3.5" fill={s.color}>
                  <title>{`${s.name}: ${v}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="row muted" style={{ fontSize: '0.85rem' }}>
        {series.map((s) => (
          <span key={s.name}>
            <span aria-hidden="true" style={{ color: s.color }}>
              ●
            </span>{' '}
            {s.name}
          </span>
        ))}
        <span>(1 to 10, oldest left)</span>
      </figcaption>
    </figure>
  );
}
