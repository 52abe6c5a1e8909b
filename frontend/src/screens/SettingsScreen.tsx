import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { logout } from '../api/auth';
import { api, type Schemas } from '../api/client';
import { messageOf, unwrap } from '../api/problem';
import { AiProviders } from '../components/AiProviders';
import { EntityPane, PaneRow } from '../components/EntityPane';
import { Alert } from '../components/States';
import { toast } from '../components/Toast';
import { promptPane, providerPane } from '../lib/entityPanes';
import { useSettings } from '../lib/theme';
import { QueryList, QueryView } from '../components/QueryView';

/** The user's settings, AI providers and saved prompts (each opens beside them with its
 * details, edit form and history) and sessions. */
export default function SettingsScreen() {
  const settings = useSettings();
  const [pane, setPane] = useState<{ kind: 'provider' | 'prompt'; id: string } | null>(null);
  const prompts = useQuery({ queryKey: ['prompts', 'list'], queryFn: async () => unwrap(await api.GET('/api/v1/ai/prompts', { params: { query: { limit: 50 } } })) });
  const openPrompt = pane?.kind === 'prompt' ? pane.id : null;
  return (
    <>
      <section className="content stack" aria-labelledby="settings-title">
        <h1 id="settings-title">Settings</h1>
        <QueryView query={settings} loading="Loading settings">
          {(s) => <SettingsForm settings={s} />}
        </QueryView>
        <h2>AI providers</h2>
        <AiProviders open={pane?.kind === 'provider' ? pane.id : null} onOpen={(id) => setPane({ kind: 'provider', id })} />
        <h2>Saved prompts</h2>
        <QueryList query={prompts} label="Saved prompts" loading="Loading prompts" empty="No saved prompt yet.">
          {(p) => (
            <PaneRow key={p.id} id={p.id} open={openPrompt} onOpen={(id) => setPane({ kind: 'prompt', id })} name={p.name}>
              {p.category && <span className="muted">{p.category}</span>}
            </PaneRow>
          )}
        </QueryList>
        <h2>Sessions</h2>
        <button type="button" onClick={() => void logout(true)}>
          Sign out everywhere
        </button>
      </section>
      {pane?.kind === 'provider' && <EntityPane spec={providerPane} id={pane.id} onClose={() => setPane(null)} />}
      {pane?.kind === 'prompt' && <EntityPane spec={promptPane} id={pane.id} onClose={() => setPane(null)} />}
    </>
  );
}

function SettingsForm({ settings }: { settings: Schemas['SettingsView'] }) {
  const client = useQueryClient();
  const [theme, setTheme] = useState(settings.theme as NonNullable<Schemas['PatchSettings']['theme']>);
  const [work, setWork] = useState(String(settings.default_work_duration));
  const [brk, setBrk] = useState(String(settings.default_break_duration));
  const [openai, setOpenai] = useState('');
  const [anthropic, setAnthropic] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: async (body: Schemas['PatchSettings']) => unwrap(await api.PATCH('/api/v1/settings', { body })),
    onSuccess: (fresh) => {
      client.setQueryData(['settings'], fresh);
      setOpenai('');
      setAnthropic('');
      toast({ text: 'Settings saved.' });
    },
    onError: (e) => setError(messageOf(e)),
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: Schemas['PatchSettings'] = {
      theme,
      default_work_duration: Number(work),
      default_break_duration: Number(brk),
    };
    // Keys are write-only: sent only when typed, never shown back.
    if (openai) body.openai_api_key = openai;
    if (anthropic) body.anthropic_api_key = anthropic;
    save.mutate(body);
  };
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <p className="muted" style={{ margin: 0 }}>
        Your user id, for others to add you to a project: <code>{settings.user_id}</code>
      </p>
      <label className="field" style={{ maxWidth: 240 }}>
        <span>Theme</span>
        <select value={theme} onChange={(e) => setTheme(e.target.value as typeof theme)}>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
          <option value="system">Follow the system</option>
        </select>
      </label>
      <div className="row">
        <label className="field">
          <span>Focus minutes</span>
          <input inputMode="numeric" value={work} onChange={(e) => setWork(e.target.value)} />
        </label>
        <label className="field">
          <span>Break minutes</span>
          <input inputMode="numeric" value={brk} onChange={(e) => setBrk(e.target.value)} />
        </label>
      </div>
      <h2>AI provider keys</h2>
      <label className="field">
        <span>OpenAI API key {settings.openai_api_key_set ? `(saved: ${settings.openai_api_key_mask ?? '••••'})` : '(not set)'}</span>
        <input type="password" autoComplete="off" value={openai} onChange={(e) => setOpenai(e.target.value)} placeholder="Type a new key to replace it" />
      </label>
      <label className="field">
        <span>Anthropic API key {settings.anthropic_api_key_set ? `(saved: ${settings.anthropic_api_key_mask ?? '••••'})` : '(not set)'}</span>
        <input type="password" autoComplete="off" value={anthropic} onChange={(e) => setAnthropic(e.target.value)} placeholder="Type a new key to replace it" />
      </label>
      <Alert message={error} />
      <button className="primary" type="submit" disabled={save.isPending}>
        Save settings
      </button>
    </form>
  );
}
