import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import type { HistorySource } from './history';

export type Goal = Schemas['GoalRow'];

export const goalHistory: HistorySource<Goal> = {
  root: 'goals',
  history: async (id) => unwrap(await api.GET('/api/v1/goals/{id}/history', { params: { path: { id } } })),
  at: async (id, asOf) => unwrap(await api.GET('/api/v1/goals/{id}', { params: { path: { id }, query: asOf ? { as_of: asOf } : {} } })),
};

export function useGoals() {
  return useQuery({ queryKey: ['goals', 'list'], queryFn: async () => unwrap(await api.GET('/api/v1/goals', { params: { query: { limit: 200 } } })) });
}

export function useLinkedTasks(goalId: string) {
  return useQuery({
    queryKey: ['tasks', 'goal', goalId],
    queryFn: async () => unwrap(await api.GET('/api/v1/tasks', { params: { query: { goal_id: goalId, limit: 200 } } })),
  });
}

export function useGoalActions() {
  const client = useQueryClient();
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['goals'] });
    void client.invalidateQueries({ queryKey: ['tasks'] });
  };
  return {
    create: useMutation({
      mutationFn: async (title: string) => unwrap(await api.POST('/api/v1/goals', { body: { title } })),
      onSuccess: refresh,
    }),
    /** Links (`on`) or unlinks a task. */
    link: useMutation({
      mutationFn: async ({ goalId, taskId, on }: { goalId: string; taskId: string; on: boolean }) => {
        const params = { params: { path: { id: goalId, task_id: taskId } } };
        const r = on ? await api.POST('/api/v1/goals/{id}/tasks/{task_id}', params) : await api.DELETE('/api/v1/goals/{id}/tasks/{task_id}', params);
        unwrap({ ...r, data: null });
      },
      onSuccess: refresh,
    }),
  };
}
