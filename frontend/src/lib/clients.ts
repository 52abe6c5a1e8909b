import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import type { HistorySource } from './history';

export type Client = Schemas['ClientRow'];
export type ClientStatus = NonNullable<Schemas['PatchClient']['status']>;
export const CLIENT_STATUSES: ClientStatus[] = ['active', 'inactive', 'archived'];

export const clientHistory: HistorySource<Client> = {
  root: 'clients',
  history: async (id) => unwrap(await api.GET('/api/v1/clients/{id}/history', { params: { path: { id } } })),
  at: async (id, asOf) => unwrap(await api.GET('/api/v1/clients/{id}', { params: { path: { id }, query: asOf ? { as_of: asOf } : {} } })),
};

export function useClients() {
  return useQuery({ queryKey: ['clients', 'list'], queryFn: async () => unwrap(await api.GET('/api/v1/clients', { params: { query: { limit: 200 } } })) });
}

export function useClientActions() {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: ['clients'] });
  return {
    create: useMutation({
      mutationFn: async (name: string) => unwrap(await api.POST('/api/v1/clients', { body: { name } })),
      onSuccess: refresh,
    }),
    save: useMutation({
      mutationFn: async ({ id, body }: { id: string; body: Schemas['PatchClient'] }) =>
        unwrap(await api.PATCH('/api/v1/clients/{id}', { params: { path: { id } }, body })),
      onSuccess: refresh,
    }),
  };
}
