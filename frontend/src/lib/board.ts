import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '../api/client';
import { ApiError, unwrap } from '../api/problem';
import { moveCard } from './kanban';

export type Board = Schemas['BoardDetail'];
export type BoardCard = Schemas['CardView'];

export type Column = NonNullable<Schemas['CreateBoard']['columns']>[number];

export const DEFAULT_COLUMNS: Column[] = [
  { id: 'todo', name: 'To do', status: 'pending' },
  { id: 'doing', name: 'In progress', status: 'in_progress' },
  { id: 'done', name: 'Done', status: 'completed' },
];

export function useBoards() {
  return useQuery({
    queryKey: ['board', 'list'],
    queryFn: async () => unwrap(await api.GET('/api/v1/kanban/boards')),
  });
}

export function useBoard(id: string | undefined) {
  return useQuery({
    queryKey: ['board', 'one', id],
    enabled: !!id,
    queryFn: async () => unwrap(await api.GET('/api/v1/kanban/boards/{id}', { params: { path: { id: id! } } })),
  });
}

export function useCreateBoard() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => unwrap(await api.POST('/api/v1/kanban/boards', { body: { name, columns: DEFAULT_COLUMNS } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['board'] }),
  });
}

export interface Move {
  taskId: string;
  columnId: string;
  index: number;
  /** The card when it comes from outside the board. */
  card?: BoardCard;
}

/** Moves a card at once on screen; on a refusal (409 or 412: someone else moved first) the
 * board is put back as the server has it and the server's message is passed on. */
export function useMoveCard(board: Board, onConflict: (message: string) => void) {
  const client = useQueryClient();
  const key = ['board', 'one', board.id];
  return useMutation({
    mutationFn: async (move: Move) =>
      unwrap(
        await api.POST('/api/v1/kanban/boards/{id}/move', {
          params: { path: { id: board.id } },
          body: { task_id: move.taskId, column_id: move.columnId, position: move.index },
        }),
      ),
    onMutate: async (move) => {
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<Board>(key);
      if (before) {
        client.setQueryData<Board>(key, { ...before, cards: moveCard(before.cards ?? [], move.taskId, move.columnId, move.index, move.card) });
      }
      return { before };
    },
    onSuccess: (fresh) => client.setQueryData(key, fresh),
    onError: (error, _move, context) => {
      if (context?.before) client.setQueryData(key, context.before);
      if (error instanceof ApiError && (error.status === 409 || error.status === 412)) {
        onConflict(`Not moved: ${error.message} The board now shows the latest order.`);
      } else {
        onConflict(error.message);
      }
      void client.invalidateQueries({ queryKey: key });
    },
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['tasks'] });
    },
  });
}
