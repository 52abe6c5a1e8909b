import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { entityKey, type HistorySource } from './history';

export type Note = Schemas['NoteRow'];
export type Folder = Schemas['FolderRow'];
export interface FolderNode extends Folder {
  children: FolderNode[];
}

/** Folders as a tree, siblings by position then name; a folder whose parent is missing is a root. */
export function folderTree(folders: Folder[]): FolderNode[] {
  const nodes = new Map(folders.map((f) => [f.id, { ...f, children: [] as FolderNode[] }]));
  const roots: FolderNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent_id ? nodes.get(node.parent_id) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: FolderNode[]) => {
    list.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

export function useFolders() {
  return useQuery({ queryKey: ['folders'], queryFn: async () => unwrap(await api.GET('/api/v1/folders', { params: { query: { limit: 200 } } })) });
}

export function useNotes(folderId: string | null, q: string) {
  return useQuery({
    queryKey: ['notes', 'list', folderId, q],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/notes', { params: { query: { folder_id: folderId ?? undefined, q: q || undefined, limit: 200 } } })),
  });
}

/** A note's past (its text and HTML as they were) and its way back to an earlier version. */
export const noteHistory: HistorySource<Note> = {
  root: 'notes',
  history: async (id) => unwrap(await api.GET('/api/v1/notes/{id}/history', { params: { path: { id } } })),
  at: async (id, asOf) => unwrap(await api.GET('/api/v1/notes/{id}', { params: { path: { id }, query: asOf ? { as_of: asOf } : {} } })),
  revert: async (id, version) => unwrap(await api.POST('/api/v1/notes/{id}/revert', { params: { path: { id } }, body: { version } })),
};

export function useNoteActions() {
  const client = useQueryClient();
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['notes'] });
    void client.invalidateQueries({ queryKey: ['folders'] });
  };
  return {
    createNote: useMutation({
      mutationFn: async (body: Schemas['CreateNote']) => unwrap(await api.POST('/api/v1/notes', { body })),
      onSuccess: refresh,
    }),
    saveNote: useMutation({
      mutationFn: async ({ id, body }: { id: string; body: Schemas['PatchNote'] }) =>
        unwrap(await api.PATCH('/api/v1/notes/{id}', { params: { path: { id } }, body })),
      onSuccess: (note) => {
        client.setQueryData(entityKey('notes', note.id), note);
        refresh();
      },
    }),
    createFolder: useMutation({
      mutationFn: async (body: Schemas['CreateFolder']) => unwrap(await api.POST('/api/v1/folders', { body })),
      onSuccess: refresh,
    }),
  };
}
