import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { entityKey, type HistorySource } from './history';

export type Task = Schemas['TaskRow'];
export type TaskStatus = NonNullable<Schemas['PatchTask']['status']>;
export const STATUSES: TaskStatus[] = ['pending', 'todo', 'in_progress', 'review', 'blocked', 'completed', 'cancelled'];
/** The server's 0 to 4. */
export const PRIORITIES: Record<number, string> = { 0: 'No priority', 1: 'Low', 2: 'Medium', 3: 'High', 4: 'Urgent' };
export const PAGE_SIZE = 50;

export function priorityClass(p: number): string {
  return ['p-none', 'p-low', 'p-medium', 'p-high', 'p-urgent'][p] ?? 'p-none';
}

export function statusLabel(s: string): string {
  return s.replace('_', ' ');
}

export interface TaskFilters {
  status?: TaskStatus;
  priority?: number;
  q?: string;
  due_before?: string;
  offset?: number;
  limit?: number;
}

/** The list's filters and page as the Tasks screen keeps them in its URL. */
export function taskFilters(params: URLSearchParams): TaskFilters {
  const status = params.get('status');
  const priority = params.get('priority');
  return {
    status: (status || undefined) as TaskStatus | undefined,
    priority: priority ? Number(priority) : undefined,
    q: params.get('q') || undefined,
    offset: Number(params.get('offset') ?? 0),
  };
}

/** One page of the task list, with the server's total (`X-Total-Count`). */
export function tasksQuery(filters: TaskFilters) {
  return {
    queryKey: ['tasks', 'list', filters],
    queryFn: async () => {
      const result = await api.GET('/api/v1/tasks', {
        params: { query: { limit: PAGE_SIZE, ...filters, q: filters.q || undefined } },
      });
      const items = unwrap(result);
      const total = Number(result.response.headers.get('x-total-count') ?? items.length);
      return { items, total };
    },
  };
}

export function useTasks(filters: TaskFilters) {
  return useQuery({ ...tasksQuery(filters), placeholderData: keepPreviousData });
}

/** A task's past for the pane's slider, and its way back to an earlier version. */
export const taskHistory: HistorySource<Task> = {
  root: 'tasks',
  history: async (id) => unwrap(await api.GET('/api/v1/tasks/{id}/history', { params: { path: { id } } })),
  at: async (id, asOf) => unwrap(await api.GET('/api/v1/tasks/{id}', { params: { path: { id }, query: asOf ? { as_of: asOf } : {} } })),
  revert: async (id, version) => unwrap(await api.POST('/api/v1/tasks/{id}/revert', { params: { path: { id } }, body: { version } })),
};

export function useTask(id: string) {
  return useQuery({ queryKey: entityKey('tasks', id), queryFn: () => taskHistory.at(id, undefined) });
}

export function useTaskActivity(id: string) {
  return useQuery({
    queryKey: ['tasks', 'activity', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/tasks/{id}/activity', { params: { path: { id } } })),
  });
}

function useInvalidateTasks() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ['tasks'] });
    void client.invalidateQueries({ queryKey: ['today'] });
    void client.invalidateQueries({ queryKey: ['board'] });
  };
}

export function useCreateTask() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: async (body: Schemas['CreateTask']) => unwrap(await api.POST('/api/v1/tasks', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateTask() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: Schemas['PatchTask'] }) =>
      unwrap(await api.PATCH('/api/v1/tasks/{id}', { params: { path: { id } }, body })),
    onSuccess: invalidate,
  });
}

/** Complete or reopen, with the list updated at once and put back if the server refuses. */
export function useToggleComplete() {
  const client = useQueryClient();
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: async (task: Task) => {
      const done = task.status === 'completed';
      const params = { params: { path: { id: task.id } } };
      return unwrap(
        done ? await api.POST('/api/v1/tasks/{id}/reopen', params) : await api.POST('/api/v1/tasks/{id}/complete', params),
      );
    },
    onMutate: async (task) => {
      await client.cancelQueries({ queryKey: ['tasks', 'list'] });
      const before = client.getQueriesData<{ items: Task[]; total: number }>({ queryKey: ['tasks', 'list'] });
      const status = task.status === 'completed' ? 'pending' : 'completed';
      client.setQueriesData<{ items: Task[]; total: number }>({ queryKey: ['tasks', 'list'] }, (old) =>
        old ? { ...old, items: old.items.map((t) => (t.id === task.id ? { ...t, status } : t)) } : old,
      );
      return { before };
    },
    onError: (_e, _task, context) => context?.before.forEach(([key, data]) => client.setQueryData(key, data)),
    onSettled: invalidate,
  });
}

export function useDeleteTask() {
  const invalidate = useInvalidateTasks();
  return useMutation({
    mutationFn: async (id: string) => {
      const r = await api.DELETE('/api/v1/tasks/{id}', { params: { path: { id } } });
      unwrap({ ...r, data: null });
    },
    onSuccess: invalidate,
  });
}
