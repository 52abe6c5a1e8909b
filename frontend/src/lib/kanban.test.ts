import { describe, expect, it } from 'vitest';
import { cardsIn, moveCard, type Card } from './kanban';

const board: Card[] = [
  { task_id: 'a', column_id: 'todo', position: 0 },
  { task_id: 'b', column_id: 'todo', position: 1 },
  { task_id: 'c', column_id: 'todo', position: 2 },
  { task_id: 'd', column_id: 'done', position: 0 },
];
const order = (cards: Card[], column: string) => cardsIn(cards, column).map((c) => `${c.task_id}${c.position}`);

describe('moveCard', () => {
  it('reorders within a column and renumbers from 0', () => {
    const moved = moveCard(board, 'c', 'todo', 0);
    expect(order(moved, 'todo')).toEqual(['c0', 'a1', 'b2']);
    expect(order(moved, 'done')).toEqual(['d0']);
  });

  it('moves between columns and closes the gap it leaves', () => {
    const moved = moveCard(board, 'a', 'done', 1);
    expect(order(moved, 'todo')).toEqual(['b0', 'c1']);
    expect(order(moved, 'done')).toEqual(['d0', 'a1']);
  });

  it('clamps a position past the end to the end, like the server', () => {
    expect(order(moveCard(board, 'b', 'done', 99), 'done')).toEqual(['d0', 'b1']);
  });

  it('places a task that was not on the board yet', () => {
    const moved = moveCard(board, 'z', 'done', 0, { task_id: 'z', column_id: 'tray', position: 5 });
    expect(order(moved, 'done')).toEqual(['z0', 'd1']);
    expect(moved).toHaveLength(5);
  });

  it('leaves the board alone for an unknown card', () => {
    expect(moveCard(board, 'nope', 'done', 0)).toBe(board);
  });
});
