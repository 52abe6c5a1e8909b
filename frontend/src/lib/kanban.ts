/** Card order on a board, computed the way the server does after a move: the card leaves
 * its column, enters the target column at `index`, and both columns are numbered 0, 1, 2… */
export interface Card {
  task_id: string;
  column_id: string;
  position: number;
  title?: string | null;
  status?: string | null;
  priority?: number | null;
}

export function cardsIn(cards: Card[], columnId: string): Card[] {
  return cards.filter((c) => c.column_id === columnId).sort((a, b) => a.position - b.position);
}

export function moveCard<C extends Card>(cards: C[], taskId: string, columnId: string, index: number, fallback?: C): C[] {
  const moving = cards.find((c) => c.task_id === taskId) ?? fallback;
  if (!moving) return cards;
  const rest = cards.filter((c) => c.task_id !== taskId);
  const target = rest.filter((c) => c.column_id === columnId).sort((a, b) => a.position - b.position);
  const at = Math.max(0, Math.min(index, target.length));
  target.splice(at, 0, { ...moving, column_id: columnId });
  const renumbered = new Map<string, C>();
  target.forEach((c, i) => renumbered.set(c.task_id, { ...c, position: i }));
  if (moving.column_id !== columnId) {
    rest
      .filter((c) => c.column_id === moving.column_id)
      .sort((a, b) => a.position - b.position)
      .forEach((c, i) => renumbered.set(c.task_id, { ...c, position: i }));
  }
  const others = rest.filter((c) => !renumbered.has(c.task_id));
  return [...others, ...renumbered.values()];
}
