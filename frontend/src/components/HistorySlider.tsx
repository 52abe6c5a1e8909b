import { pastAt, positionIndex, type Position, type Version } from '../lib/history';
import { Alert } from './States';

interface Props {
  versions: Version[];
  at: Position;
  onMove: (at: Position) => void;
  /** Offered at a past version when the entity can go back to one. */
  onRestore?: (version: number) => void;
  restoring?: boolean;
  error?: string | null;
}

/** A slider over an entity's versions, oldest on the left, now on the right; at a past
 * version, "Restore this version" when `onRestore` is given. */
export function HistorySlider({ versions, at, onMove, onRestore, restoring, error }: Props) {
  if (versions.length < 2) return null;
  const index = positionIndex(versions, at);
  const past = pastAt(versions, at);
  const when = past ? new Date(past.at).toLocaleString() : 'now';
  return (
    <div className="stack history">
      <label className="field">
        <span>
          History: {past ? `as it was on ${when}` : 'now'} (version {index + 1} of {versions.length})
        </span>
        <input
          type="range"
          min={0}
          max={versions.length - 1}
          value={index}
          onChange={(e) => {
            const i = Number(e.target.value);
            onMove(i >= versions.length - 1 ? null : i);
          }}
          aria-valuetext={`version ${index + 1}, ${when}`}
        />
      </label>
      {past && (
        <div className="row">
          {onRestore && (
            <button type="button" disabled={restoring} onClick={() => onRestore(past.sequence)}>
              {restoring ? 'Restoring…' : 'Restore this version'}
            </button>
          )}
          <button type="button" className="link" onClick={() => onMove(null)}>
            Back to now
          </button>
        </div>
      )}
      <Alert message={error} />
    </div>
  );
}
