import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { json, mockFetch } from '../test/http';
import { useMoveCard, type Board } from './board';
import { cardsIn } from './kanban';

const board = {
  id: 'b1',
  user_id: 'u',
  name: 'Mine',
  description: null,
  project_id: null,
  columns: [
    { id: 'todo', name: 'To do', status: 'pending' },
    { id: 'done', name: 'Done', status: 'completed' },
  ],
  settings: {},
  kanban_position: 0,
  version: 3,
  created_at: '',
  updated_at: '',
  cards: [
    { task_id: 'a', column_id: 'todo', position: 0, title: 'A', status: 'pending', priority: 3 },
    { task_id: 'b', column_id: 'todo', position: 1, title: 'B', status: 'pending', priority: 3 },
  ],
} as unknown as Board;

function setup(answer: () => Response) {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  mockFetch(async (r) => {
    if (r.url.endsWith('/move')) {
      await gate;
      return answer();
    }
    if (r.url.endsWith('/kanban/boards/b1')) return json(board);
    return undefined;
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(['board', 'one', 'b1'], board);
  const onConflict = vi.fn();
  const wrapper = ({ children }: { children: React.ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  const hook = renderHook(() => useMoveCard(board, onConflict), { wrapper });
  const cards = () => client.getQueryData<Board>(['board', 'one', 'b1'])!.cards!;
  return { hook, cards, onConflict, release };
}

describe('useMoveCard', () => {
  it('moves the card at once, and puts it back with the server message on a 409', async () => {
    const { hook, cards, onConflict, release } = setup(() =>
      json({ status: 409, title: 'Conflict', detail: 'The board changed meanwhile.' }, 409),
    );
    act(() => hook.result.current.mutate({ taskId: 'b', columnId: 'done', index: 0 }));
    await waitFor(() => expect(cardsIn(cards(), 'done').map((c) => c.task_id)).toEqual(['b']));
    release();
    await waitFor(() => expect(onConflict).toHaveBeenCalled());
    expect(onConflict.mock.calls[0]![0]).toContain('The board changed meanwhile.');
    expect(cardsIn(cards(), 'todo').map((c) => c.task_id)).toEqual(['a', 'b']);
    expect(cardsIn(cards(), 'done')).toEqual([]);
  });

  it("keeps the server's order when the move is accepted", async () => {
    const accepted = { ...board, cards: [{ task_id: 'a', column_id: 'todo', position: 0 }, { task_id: 'b', column_id: 'done', position: 0 }] };
    const { hook, cards, onConflict, release } = setup(() => json(accepted));
    act(() => hook.result.current.mutate({ taskId: 'b', columnId: 'done', index: 0 }));
    release();
    await waitFor(() => expect(hook.result.current.isSuccess).toBe(true));
    expect(cardsIn(cards(), 'done').map((c) => c.task_id)).toEqual(['b']);
    expect(onConflict).not.toHaveBeenCalled();
  });
});
