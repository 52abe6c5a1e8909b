import { useEffect, useRef } from 'react';

/** True when the key went to a text field (shortcuts must not steal typing). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Calls `handler` when one of `keys` is pressed outside a text field, without modifiers. */
export function useShortcut(keys: string[], handler: (e: KeyboardEvent) => void, enabled = true): void {
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  const joined = keys.join('\u0000');
  useEffect(() => {
    if (!enabled) return;
    const list = joined.split('\u0000');
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (list.includes(e.key)) {
        e.preventDefault();
        ref.current(e);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [joined, enabled]);
}

export const SHORTCUTS: [string, string][] = [
  ['c or q', 'Quick capture: a new task'],
  ['/', 'Search tasks'],
  ['j / k', 'Next / previous task in a list'],
  ['x', 'Complete the selected task'],
  ['e', 'Edit the selected task'],
  ['Esc', 'Close the pane or dialog'],
  ['?', 'This list'],
];
