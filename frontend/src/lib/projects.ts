import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import type { HistorySource } from './history';

export type Project = Schemas['ProjectRow'];
export type ProjectStatus = NonNullable<Schemas['PatchProject']['status']>;
export const PROJECT_STATUSES: ProjectStatus[] = ['planning', 'active', 'on_hold', 'completed', 'cancelled'];
export type Role = Schemas['ChangeRole']['role'];
export const ROLES: Role[] = ['owner', 'admin', 'member', 'viewer'];

export const projectHistory: HistorySource<Project> = {
  root: 'projects',
  history: async (id) => unwrap(await api.GET('/api/v1/projects/{id}/history', { params: { path: { id } } })),
  at: async (id, asOf) => unwrap(await api.GET('/api/v1/projects/{id}', { params: { path: { id }, query: asOf ? { as_of: asOf } : {} } })),
};

export function useProjects() {
  return useQuery({ queryKey: ['projects', 'list'], queryFn: async () => unwrap(await api.GET('/api/v1/projects', { params: { query: { limit: 200 } } })) });
}

export function useProjectActions() {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: ['projects'] });
  return {
    create: useMutation({
      mutationFn: async (name: string) => unwrap(await api.POST('/api/v1/projects', { body: { name } })),
      onSuccess: refresh,
    }),
    save: useMutation({
      mutationFn: async ({ id, body }: { id: string; body: Schemas['PatchProject'] }) =>
        unwrap(await api.PATCH('/api/v1/projects/{id}', { params: { path: { id } }, body })),
      onSuccess: refresh,
    }),
  };
}

export function useMembers(projectId: string) {
  return useQuery({
    queryKey: ['projects', 'members', projectId],
    queryFn: async () => unwrap(await api.GET('/api/v1/projects/{id}/members', { params: { path: { id: projectId } } })),
  });
}

export function useMemberActions(projectId: string) {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: ['projects', 'members', projectId] });
  const path = (user: string) => ({ params: { path: { id: projectId, user_id: user } } });
  return {
    add: useMutation({
      mutationFn: async ({ user, role }: { user: string; role: Role }) =>
        unwrap(await api.POST('/api/v1/projects/{id}/members', { params: { path: { id: projectId } }, body: { user_id: user, role } })),
      onSuccess: refresh,
    }),
    change: useMutation({
      mutationFn: async ({ user, role }: { user: string; role: Role }) => unwrap(await api.PATCH('/api/v1/projects/{id}/members/{user_id}', { ...path(user), body: { role } })),
      onSuccess: refresh,
    }),
    remove: useMutation({
      mutationFn: async (user: string) => {
        const r = await api.DELETE('/api/v1/projects/{id}/members/{user_id}', path(user));
        unwrap({ ...r, data: null });
      },
      onSuccess: refresh,
    }),
  };
}
