import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import { Empty, ErrorState, Loading } from '../components/States';

type Row = Record<string, unknown> & { id?: string };

interface Collection {
  title: string;
  empty: string;
  load: () => Promise<Row[]>;
  /** The main line of a row, and the quieter details after it. */
  label: (row: Row) => string;
  details?: (row: Row) => string;
  /** A one-field create form, where the section has one. */
  create?: { field: string; run: (value: string) => Promise<unknown> };
}

const rows = (data: unknown): Row[] => (Array.isArray(data) ? (data as Row[]) : []);
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

const COLLECTIONS: Record<string, Collection> = {
  ceremonies: {
    title: 'Ceremonies',
    empty: 'No ceremonies are defined.',
    load: async () => rows(unwrap(await api.GET('/api/v1/ceremonies/templates'))),
    label: (c) => text(c.name),
    details: (c) => `${text(c.estimated_minutes)} min · ${text(c.description)}`,
  },
  insights: {
    title: 'Insights',
    empty: 'No figures yet.',
    // Counts read from the lists' `X-Total-Count`.
    load: async () => {
      const count = (r: { response: Response }) => Number(r.response.headers.get('x-total-count') ?? 0);
      const statuses = ['pending', 'in_progress', 'completed'] as const;
      const tasks = await Promise.all(
        statuses.map(async (status) => count(await api.GET('/api/v1/tasks', { params: { query: { status, limit: 1 } } }))),
      );
      const focus = count(await api.GET('/api/v1/pomodoro/sessions', { params: { query: { limit: 1 } } }));
      return [
        ...statuses.map((s, i) => ({ id: s, key: `Tasks ${s.replace('_', ' ')}`, value: tasks[i] })),
        { id: 'focus', key: 'Pomodoro sessions', value: focus },
      ];
    },
    label: (r) => text(r.key),
    details: (r) => text(r.value),
  },
};

export default function CollectionScreen() {
  const { collection = '' } = useParams();
  const config = COLLECTIONS[collection];
  if (!config) {
    return (
      <section className="content">
        <h1>Not found</h1>
        <p>There is no section called “{collection}”.</p>
      </section>
    );
  }
  return <CollectionView key={collection} name={collection} config={config} />;
}

function CollectionView({ name, config }: { name: string; config: Collection }) {
  const list = useQuery({ queryKey: [name], queryFn: config.load });
  return (
    <section className="content stack" aria-labelledby="collection-title">
      <h1 id="collection-title">{config.title}</h1>
      {config.create && <CreateOne name={name} create={config.create} />}
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty>{config.empty}</Empty>
      ) : (
        <ul className="list" aria-label={config.title}>
          {list.data.map((row, i) => (
            <li key={row.id ?? String(i)}>
              <span className="title">{config.label(row)}</span>
              {config.details && <span className="muted">{config.details(row)}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CreateOne({ name, create }: { name: string; create: NonNullable<Collection['create']> }) {
  const client = useQueryClient();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: create.run,
    onSuccess: () => {
      setValue('');
      void client.invalidateQueries({ queryKey: [name] });
    },
    onError: (e) => setError(messageOf(e)),
  });
  return (
    <form
      className="row"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        if (!value.trim()) {
          setError(`${create.field} cannot be empty.`);
          return;
        }
        run.mutate(value.trim());
      }}
    >
      <label className="sr-only" htmlFor="create-one">
        {create.field}
      </label>
      <input id="create-one" style={{ flex: 1 }} placeholder={`New ${create.field.toLowerCase()}`} value={value} onChange={(e) => setValue(e.target.value)} />
      <button className="primary" type="submit" disabled={run.isPending}>
        Add
      </button>
      {error && (
        <p role="alert" className="error" style={{ width: '100%', margin: 0 }}>
          {error}
        </p>
      )}
    </form>
  );
}
