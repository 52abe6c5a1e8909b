import { useState } from 'react';
import { CreateByName } from '../components/CreateByName';
import { EditForm } from '../components/EditForm';
import { HistoryPane } from '../components/HistoryPane';
import { QueryList } from '../components/QueryView';
import { CLIENT_STATUSES, clientHistory, useClientActions, useClients, type Client, type ClientStatus } from '../lib/clients';
import { tooLong } from '../lib/validation';

/** The people and companies projects are for; a client opens beside the list with its details
 * and history. */
export default function ClientsScreen() {
  const [open, setOpen] = useState<string | null>(null);
  const clients = useClients();
  const { create } = useClientActions();
  return (
    <>
      <section className="content stack" aria-labelledby="clients-title">
        <h1 id="clients-title">Clients</h1>
        <CreateByName label="New client" required="A client needs a name." validate={tooLong} onCreate={async (name) => setOpen((await create.mutateAsync(name)).id)} />
        <QueryList query={clients} label="Clients" loading="Loading clients" empty="No clients yet. Name one above, then pick it in a project.">
          {(c) => (
            <li key={c.id} className={open === c.id ? 'selected' : ''}>
              <button type="button" className="title" onClick={() => setOpen(c.id)}>
                {c.name}
                {c.company && <span className="muted"> · {c.company}</span>}
              </button>
              <span className="marker">{c.status}</span>
            </li>
          )}
        </QueryList>
      </section>
      {open && (
        <HistoryPane key={open} label="Client" source={clientHistory} id={open} onClose={() => setOpen(null)}>
          {(client, past) => <ClientDetails client={client} past={past} />}
        </HistoryPane>
      )}
    </>
  );
}

function ClientDetails({ client, past }: { client: Client; past: boolean }) {
  const [editing, setEditing] = useState(false);
  const { save } = useClientActions();
  if (editing && !past)
    return (
      <EditForm
        fields={[
          { key: 'name', label: 'Name', required: 'A client needs a name.' },
          { key: 'company', label: 'Company' },
          { key: 'email', label: 'Email', kind: 'email' },
          { key: 'phone', label: 'Phone', kind: 'tel' },
          { key: 'status', label: 'Status', options: CLIENT_STATUSES.map((s) => [s, s]) },
        ]}
        initial={{ name: client.name, company: client.company ?? '', email: client.email ?? '', phone: client.phone ?? '', status: client.status }}
        onSave={(v) =>
          save.mutateAsync({
            id: client.id,
            body: { name: v.name.trim(), company: v.company.trim() || null, email: v.email.trim() || null, phone: v.phone.trim() || null, status: v.status as ClientStatus },
          })
        }
        onDone={() => setEditing(false)}
      />
    );
  return (
    <div className="stack">
      <h3 style={{ marginBottom: 0 }}>{client.name}</h3>
      <div className="row">
        <span className="marker">{client.status}</span>
        {client.company && <span>{client.company}</span>}
      </div>
      <dl className="facts">
        <dt>Email</dt>
        <dd>{client.email || '—'}</dd>
        <dt>Phone</dt>
        <dd>{client.phone || '—'}</dd>
      </dl>
      {!past && (
        <button type="button" onClick={() => setEditing(true)}>
          Edit client
        </button>
      )}
    </div>
  );
}
