import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import { Empty, ErrorState, Loading } from '../components/States';

type Role = Schemas['ChangeRole']['role'];
const ROLES: Role[] = ['owner', 'admin', 'member', 'viewer'];

/** Projects; a project opens beside the list with its members and their roles. */
export default function ProjectsScreen() {
  const client = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const projects = useQuery({ queryKey: ['projects', 'list'], queryFn: async () => unwrap(await api.GET('/api/v1/projects', { params: { query: { limit: 200 } } })) });
  const create = useMutation({
    mutationFn: async (n: string) => unwrap(await api.POST('/api/v1/projects', { body: { name: n } })),
    onSuccess: (p) => {
      setName('');
      setOpen(p.id);
      void client.invalidateQueries({ queryKey: ['projects'] });
    },
    onError: (e) => setError(messageOf(e)),
  });
  return (
    <>
      <section className="content stack" aria-labelledby="projects-title">
        <h1 id="projects-title">Projects</h1>
        <form
          className="row"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            if (!name.trim()) return setError('A project needs a name.');
            create.mutate(name.trim());
          }}
        >
          <label className="sr-only" htmlFor="new-project">
            New project
          </label>
          <input id="new-project" style={{ flex: 1 }} placeholder="New project" value={name} onChange={(e) => setName(e.target.value)} />
          <button className="primary" type="submit" disabled={create.isPending}>
            Add
          </button>
        </form>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {projects.isPending ? (
          <Loading what="Loading projects" />
        ) : projects.isError ? (
          <ErrorState error={projects.error} retry={() => void projects.refetch()} />
        ) : projects.data.length === 0 ? (
          <Empty>No projects yet. Name one above to share tasks with others.</Empty>
        ) : (
          <ul className="list" aria-label="Projects">
            {projects.data.map((p) => (
              <li key={p.id} className={open === p.id ? 'selected' : ''}>
                <button type="button" className="title" onClick={() => setOpen(p.id)}>
                  {p.name}
                </button>
                <span className="marker">{p.status}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {open && <Members id={open} onClose={() => setOpen(null)} />}
    </>
  );
}

function Members({ id, onClose }: { id: string; onClose: () => void }) {
  const client = useQueryClient();
  const key = ['projects', 'members', id];
  const members = useQuery({ queryKey: key, queryFn: async () => unwrap(await api.GET('/api/v1/projects/{id}/members', { params: { path: { id } } })) });
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [error, setError] = useState<string | null>(null);
  const done = () => void client.invalidateQueries({ queryKey: key });
  const onError = (e: unknown) => setError(messageOf(e));
  const add = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/projects/{id}/members', { params: { path: { id } }, body: { user_id: userId.trim(), role } })),
    onSuccess: () => (setUserId(''), done()),
    onError,
  });
  const change = useMutation({
    mutationFn: async ({ user, to }: { user: string; to: Role }) =>
      unwrap(await api.PATCH('/api/v1/projects/{id}/members/{user_id}', { params: { path: { id, user_id: user } }, body: { role: to } })),
    onSuccess: done,
    onError,
  });
  const remove = useMutation({
    mutationFn: async (user: string) => {
      const r = await api.DELETE('/api/v1/projects/{id}/members/{user_id}', { params: { path: { id, user_id: user } } });
      unwrap({ ...r, data: null });
    },
    onSuccess: done,
    onError,
  });
  return (
    <aside className="pane stack" aria-label="Project members">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>Members</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {members.isPending ? (
        <Loading />
      ) : members.isError ? (
        <ErrorState error={members.error} />
      ) : (
        <ul className="list" aria-label="Members">
          {members.data.map((m) => (
            <li key={m.user_id}>
              <span className="title">{m.name ?? m.email ?? m.user_id}</span>
              <label className="sr-only" htmlFor={`role-${m.user_id}`}>
                Role of {m.name ?? m.email ?? m.user_id}
              </label>
              <select id={`role-${m.user_id}`} value={m.role} onChange={(e) => change.mutate({ user: m.user_id, to: e.target.value as Role })}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <button type="button" onClick={() => remove.mutate(m.user_id)} aria-label={`Remove ${m.name ?? m.email ?? m.user_id}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          if (!/^[0-9a-f-]{36}$/i.test(userId.trim())) return setError("Paste the person's user id (from their Settings).");
          add.mutate();
        }}
      >
        <label className="field">
          <span>Add a member by user id</span>
          <input value={userId} onChange={(e) => setUserId(e.target.value)} />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={add.isPending}>
          Add member
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </aside>
  );
}
