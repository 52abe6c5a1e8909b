import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';

export function useCurrentPomodoro() {
  return useQuery({
    queryKey: ['pomodoro', 'current'],
    queryFn: async () => unwrap(await api.GET('/api/v1/pomodoro/current')),
  });
}

export function usePomodoroActions() {
  const client = useQueryClient();
  const done = () => void client.invalidateQueries({ queryKey: ['pomodoro'] });
  const start = useMutation({
    mutationFn: async (body: Schemas['StartSession']) => unwrap(await api.POST('/api/v1/pomodoro/start', { body })),
    onSuccess: done,
  });
  const complete = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/pomodoro/complete')),
    onSuccess: done,
  });
  const cancel = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/pomodoro/cancel', { body: {} })),
    onSuccess: done,
  });
  return { start, complete, cancel };
}
