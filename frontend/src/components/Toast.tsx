import { useEffect, useState } from 'react';

export interface ToastMessage {
  text: string;
  undo?: () => void;
  error?: boolean;
}

let show: (t: ToastMessage | null) => void = () => {};

/** Shows a short message (with Undo when given) at the bottom of the screen. */
export function toast(message: ToastMessage): void {
  show(message);
}

export function ToastHost() {
  const [current, setCurrent] = useState<ToastMessage | null>(null);
  useEffect(() => {
    show = setCurrent;
    return () => {
      show = () => {};
    };
  }, []);
  useEffect(() => {
    if (!current) return;
    const timer = setTimeout(() => setCurrent(null), current.error ? 8000 : 5000);
    return () => clearTimeout(timer);
  }, [current]);
  return (
    <div className="toast-host" aria-live="polite" role="status">
      {current && (
        <div className="toast">
          <span>{current.text}</span>
          {current.undo && (
            <button
              type="button"
              onClick={() => {
                current.undo?.();
                setCurrent(null);
              }}
            >
              Undo
            </button>
          )}
          <button type="button" aria-label="Dismiss" onClick={() => setCurrent(null)}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
