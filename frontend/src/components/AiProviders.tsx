import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type Schemas } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import { Field } from './Field';
import { Alert } from './States';
import { QueryList } from './QueryView';

type Kind = Schemas['CreateProvider']['provider_type'];
const KINDS: Kind[] = ['openai', 'anthropic', 'groq', 'ollama', 'openai_compatible'];

/** The user's own AI providers: keys are write-only, shown back masked; `onOpen` opens one's pane. */
export function AiProviders({ open, onOpen }: { open: string | null; onOpen: (id: string) => void }) {
  const client = useQueryClient();
  const providers = useQuery({
    queryKey: ['ai-providers'],
    queryFn: async () => unwrap(await api.GET('/api/v1/ai/providers')),
  });
  const remove = useMutation({
    mutationFn: async (id: string) => {
      const r = await api.DELETE('/api/v1/ai/providers/{id}', { params: { path: { id } } });
      unwrap({ ...r, data: null });
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ['ai-providers'] }),
  });
  return (
    <div className="stack">
      <QueryList query={providers} label="AI providers" loading="Loading providers" empty="No AI provider yet. Add one to run ceremonies and workflows with your own key.">
        {(p) => (
          <li key={p.id} className={open === p.id ? 'selected' : ''}>
            <button type="button" className="title" onClick={() => onOpen(p.id)}>
              {p.provider_name} <span className="muted">({p.provider_type}, {p.model_name})</span>
            </button>
            <span className="muted">{p.api_key_set ? `key ${p.api_key_mask ?? '••••'}` : 'no key'}</span>
            {p.is_default && <span className="marker">default</span>}
            <button type="button" onClick={() => remove.mutate(p.id)} aria-label={`Remove ${p.provider_name}`}>
              Remove
            </button>
          </li>
        )}
      </QueryList>
      <AddProvider />
    </div>
  );
}

function AddProvider() {
  const client = useQueryClient();
  const [form, setForm] = useState({ provider_type: 'openai' as Kind, provider_name: '', model_name: '', api_key: '', api_endpoint: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: async (body: Schemas['CreateProvider']) => unwrap(await api.POST('/api/v1/ai/providers', { body })),
    onSuccess: () => {
      setForm({ ...form, provider_name: '', model_name: '', api_key: '', api_endpoint: '' });
      void client.invalidateQueries({ queryKey: ['ai-providers'] });
    },
    onError: (e) => setFailure(messageOf(e)),
  });
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const found: Record<string, string> = {};
    if (!form.provider_name.trim()) found.provider_name = 'Give it a name.';
    if (!form.model_name.trim()) found.model_name = 'Name the model, e.g. gpt-4o-mini.';
    setErrors(found);
    if (Object.keys(found).length) return;
    add.mutate({
      provider_type: form.provider_type,
      provider_name: form.provider_name.trim(),
      model_name: form.model_name.trim(),
      api_key: form.api_key || null,
      api_endpoint: form.api_endpoint.trim() || null,
    });
  };
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="Add an AI provider">
      <div className="row">
        <Field label="Kind">
          <select value={form.provider_type} onChange={set('provider_type')}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" error={errors.provider_name}>
          <input value={form.provider_name} onChange={set('provider_name')} />
        </Field>
        <Field label="Model" error={errors.model_name}>
          <input value={form.model_name} onChange={set('model_name')} />
        </Field>
      </div>
      <Field label="API key (never shown again)">
        <input type="password" autoComplete="off" value={form.api_key} onChange={set('api_key')} />
      </Field>
      <Field label="Endpoint (Ollama or OpenAI-compatible)">
        <input type="url" value={form.api_endpoint} onChange={set('api_endpoint')} />
      </Field>
      <Alert message={failure} />
      <button type="submit" disabled={add.isPending}>
        Add provider
      </button>
    </form>
  );
}
