import { useState } from 'react';
import { Link } from 'react-router-dom';
import { messageOf } from '../api/problem';
import { CreateByName } from '../components/CreateByName';
import { EditForm } from '../components/EditForm';
import { HistoryPane } from '../components/HistoryPane';
import { QueryList } from '../components/QueryView';
import { Alert } from '../components/States';
import { useClients } from '../lib/clients';
import { PROJECT_STATUSES, ROLES, projectHistory, type ProjectStatus, useMemberActions, useMembers, useProjectActions, useProjects, type Project, type Role } from '../lib/projects';
import { statusLabel } from '../lib/tasks';
import { tooLong } from '../lib/validation';

/** Projects; a project opens beside the list with its details, history and members. */
export default function ProjectsScreen() {
  const [open, setOpen] = useState<string | null>(null);
  const projects = useProjects();
  const { create } = useProjectActions();
  return (
    <>
      <section className="content stack" aria-labelledby="projects-title">
        <h1 id="projects-title">Projects</h1>
        <p className="muted" style={{ margin: 0 }}>
          Work for someone? Keep them under <Link to="/clients">Clients</Link> and pick one in a project.
        </p>
        <CreateByName label="New project" required="A project needs a name." validate={tooLong} onCreate={async (name) => setOpen((await create.mutateAsync(name)).id)} />
        <QueryList query={projects} label="Projects" loading="Loading projects" empty="No projects yet. Name one above to share tasks with others.">
          {(p) => (
            <li key={p.id} className={open === p.id ? 'selected' : ''}>
              <button type="button" className="title" onClick={() => setOpen(p.id)}>
                {p.name}
              </button>
              <span className="marker">{statusLabel(p.status)}</span>
            </li>
          )}
        </QueryList>
      </section>
      {open && (
        <HistoryPane key={open} label="Project" source={projectHistory} id={open} onClose={() => setOpen(null)}>
          {(project, past) => <ProjectDetails project={project} past={past} />}
        </HistoryPane>
      )}
    </>
  );
}

function ProjectDetails({ project, past }: { project: Project; past: boolean }) {
  const [editing, setEditing] = useState(false);
  const { save } = useProjectActions();
  const clients = useClients();
  const clientName = (clients.data ?? []).find((c) => c.id === project.client_id)?.name;
  if (editing && !past)
    return (
      <EditForm
        fields={[
          { key: 'name', label: 'Name', required: 'A project needs a name.' },
          { key: 'status', label: 'Status', options: PROJECT_STATUSES.map((s) => [s, statusLabel(s)]) },
          { key: 'client_id', label: 'Client', options: [['', 'No client'], ...(clients.data ?? []).map((c): [string, string] => [c.id, c.name])] },
          { key: 'description', label: 'Description', kind: 'textarea' },
        ]}
        initial={{ name: project.name, status: project.status, client_id: project.client_id ?? '', description: project.description ?? '' }}
        onSave={(v) =>
          save.mutateAsync({
            id: project.id,
            body: { name: v.name.trim(), status: v.status as ProjectStatus, client_id: v.client_id || null, description: v.description || null },
          })
        }
        onDone={() => setEditing(false)}
      />
    );
  return (
    <div className="stack">
      <h3 style={{ marginBottom: 0 }}>{project.name}</h3>
      <div className="row">
        <span className="marker">{statusLabel(project.status)}</span>
        {project.client_id && <span className="muted">for {clientName ?? 'a client'}</span>}
      </div>
      {project.description ? <p style={{ whiteSpace: 'pre-wrap' }}>{project.description}</p> : <p className="muted">No description.</p>}
      {!past && (
        <>
          <button type="button" onClick={() => setEditing(true)}>
            Edit project
          </button>
          <Members projectId={project.id} />
        </>
      )}
    </div>
  );
}

function Members({ projectId }: { projectId: string }) {
  const members = useMembers(projectId);
  const { add, change, remove } = useMemberActions(projectId);
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [error, setError] = useState<string | null>(null);
  const onError = (e: unknown) => setError(messageOf(e));
  const name = (m: { name?: string | null; email?: string | null; user_id: string }) => m.name ?? m.email ?? m.user_id;
  return (
    <div className="stack">
      <h3>Members</h3>
      <QueryList query={members} label="Members" empty="No members.">
        {(m) => (
          <li key={m.user_id}>
            <span className="title">{name(m)}</span>
            <label className="sr-only" htmlFor={`role-${m.user_id}`}>
              Role of {name(m)}
            </label>
            <RoleSelect id={`role-${m.user_id}`} value={m.role as Role} onChange={(to) => change.mutate({ user: m.user_id, role: to }, { onError })} />
            <button type="button" onClick={() => remove.mutate(m.user_id, { onError })} aria-label={`Remove ${name(m)}`}>
              Remove
            </button>
          </li>
        )}
      </QueryList>
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          if (!/^[0-9a-f-]{36}$/i.test(userId.trim())) return setError("Paste the person's user id (from their Settings).");
          add.mutate({ user: userId.trim(), role }, { onSuccess: () => setUserId(''), onError });
        }}
      >
        <label className="field">
          <span>Add a member by user id</span>
          <input value={userId} onChange={(e) => setUserId(e.target.value)} />
        </label>
        <label className="field">
          <span>Role</span>
          <RoleSelect value={role} onChange={setRole} />
        </label>
        <button type="submit" disabled={add.isPending}>
          Add member
        </button>
      </form>
      <Alert message={error} />
    </div>
  );
}

function RoleSelect({ id, value, onChange }: { id?: string; value: Role; onChange: (r: Role) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}
