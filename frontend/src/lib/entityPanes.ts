import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { formatBytes } from './upload';
import { asOfQuery, numberOrNull, orNull, YES_NO, type PaneSpec } from './paneSpec';

// The panes of the entities that have `GET .../{id}/history` and no screen of their own:
// each one's history source (its `root` is the query key the live feed makes stale) and
// what its pane shows and edits. `EntityPane` draws them.

const when = (v: string | null | undefined) => (v ? new Date(v).toLocaleString() : null);
const day = (v: string | null | undefined) => (v ? v.slice(0, 10) : null);

export const ACTIVITY_TYPES = ['exercise', 'meditation', 'reading', 'learning', 'social', 'rest', 'other'];

export const activityPane: PaneSpec<Awaited<ReturnType<typeof getActivity>>, 'name' | 'type' | 'date' | 'duration' | 'mood' | 'energy' | 'description'> = {
  label: 'Logged activity',
  source: {
    root: 'activities',
    history: async (id) => unwrap(await api.GET('/api/v1/activities/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getActivity(id, asOf),
  },
  title: (a) => a.name,
  facts: (a) => [
    ['Kind', a.type],
    ['Date', day(a.date)],
    ['Minutes', a.duration_minutes],
    ['Mood after', a.mood_after],
    ['Energy after', a.energy_after],
    ['Description', a.description],
  ],
  edit: {
    fields: [
      { key: 'name', label: 'Name', required: 'Name the activity.' },
      { key: 'type', label: 'Kind', options: ACTIVITY_TYPES.map((t) => [t, t]) },
      { key: 'date', label: 'Date', kind: 'date' },
      { key: 'duration', label: 'Minutes' },
      { key: 'mood', label: 'Mood after (1–10)' },
      { key: 'energy', label: 'Energy after (1–10)' },
      { key: 'description', label: 'Description', kind: 'textarea' },
    ],
    initial: (a) => ({
      name: a.name,
      type: a.type,
      date: a.date.slice(0, 10),
      duration: String(a.duration_minutes ?? ''),
      mood: String(a.mood_after ?? ''),
      energy: String(a.energy_after ?? ''),
      description: a.description ?? '',
    }),
    save: async (a, v) =>
      unwrap(
        await api.PATCH('/api/v1/activities/{id}', {
          params: { path: { id: a.id } },
          body: {
            name: v.name.trim(),
            type: v.type,
            date: v.date,
            duration_minutes: numberOrNull(v.duration, 'Minutes'),
            mood_after: numberOrNull(v.mood, 'Mood'),
            energy_after: numberOrNull(v.energy, 'Energy'),
            description: orNull(v.description),
          },
        }),
      ),
  },
};

async function getActivity(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/activities/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}

export const folderPane: PaneSpec<Awaited<ReturnType<typeof getFolder>>, 'name' | 'description'> = {
  label: 'Folder',
  source: {
    root: 'folders',
    history: async (id) => unwrap(await api.GET('/api/v1/folders/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getFolder(id, asOf),
  },
  title: (f) => f.name,
  facts: (f) => [
    ['Description', f.description],
    ['Created', when(f.created_at)],
  ],
  edit: {
    fields: [
      { key: 'name', label: 'Name', required: 'A folder needs a name.' },
      { key: 'description', label: 'Description', kind: 'textarea' },
    ],
    initial: (f) => ({ name: f.name, description: f.description ?? '' }),
    save: async (f, v) => unwrap(await api.PATCH('/api/v1/folders/{id}', { params: { path: { id: f.id } }, body: { name: v.name.trim(), description: orNull(v.description) } })),
  },
};

async function getFolder(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/folders/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}

const blocksText = (blocks: unknown[]) =>
  blocks
    .map((b) => {
      const x = b as { start?: string; end?: string; title?: string };
      return `${x.start ?? ''}–${x.end ?? ''} ${x.title ?? ''}`;
    })
    .join('; ') || null;

export const scheduleTemplatePane: PaneSpec<Awaited<ReturnType<typeof getTemplate>>, 'name' | 'description' | 'is_default'> = {
  label: 'Schedule template',
  source: {
    root: 'schedule',
    history: async (id) => unwrap(await api.GET('/api/v1/schedule/templates/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getTemplate(id, asOf),
  },
  title: (t) => t.name,
  facts: (t) => [
    ['Default', t.is_default],
    ['Description', t.description],
    ['Blocks', blocksText(t.blocks)],
  ],
  edit: {
    fields: [
      { key: 'name', label: 'Name', required: 'A template needs a name.' },
      { key: 'description', label: 'Description', kind: 'textarea' },
      { key: 'is_default', label: 'Default template', options: YES_NO },
    ],
    initial: (t) => ({ name: t.name, description: t.description ?? '', is_default: String(t.is_default) }),
    save: async (t, v) =>
      unwrap(
        await api.PATCH('/api/v1/schedule/templates/{id}', {
          params: { path: { id: t.id } },
          body: { name: v.name.trim(), description: orNull(v.description), is_default: v.is_default === 'true' },
        }),
      ),
  },
};

async function getTemplate(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/schedule/templates/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}

/** A day's schedule, named by its date; its blocks are edited on the Schedule screen itself. */
export const scheduleDayPane: PaneSpec<Awaited<ReturnType<typeof getDay>>> = {
  label: 'Day',
  source: {
    root: 'schedule',
    history: async (date) => unwrap(await api.GET('/api/v1/schedule/daily/{date}/history', { params: { path: { date } } })),
    at: (date, asOf) => getDay(date, asOf),
  },
  title: (d) => `Schedule of ${day(d.date)}`,
  facts: (d) => [
    ['Blocks', blocksText(d.blocks)],
    ['Changed', when(d.updated_at)],
  ],
};

async function getDay(date: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/schedule/daily/{date}', { params: { path: { date }, query: asOfQuery(asOf) } }));
}

export const providerPane: PaneSpec<Awaited<ReturnType<typeof getProvider>>, 'provider_name' | 'model_name' | 'api_endpoint' | 'priority' | 'is_active' | 'is_default'> = {
  label: 'AI provider',
  source: {
    root: 'ai-providers',
    history: async (id) => unwrap(await api.GET('/api/v1/ai/providers/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getProvider(id, asOf),
  },
  title: (p) => p.provider_name,
  facts: (p) => [
    ['Kind', p.provider_type],
    ['Model', p.model_name],
    ['Endpoint', p.api_endpoint],
    ['Key', p.api_key_set ? (p.api_key_mask ?? '••••') : null],
    ['Active', p.is_active],
    ['Default', p.is_default],
    ['Priority', p.priority],
    ['Requests', p.total_requests],
    ['Last used', when(p.last_used_at)],
  ],
  edit: {
    fields: [
      { key: 'provider_name', label: 'Name', required: 'Give it a name.' },
      { key: 'model_name', label: 'Model', required: 'Name the model, e.g. gpt-4o-mini.' },
      { key: 'api_endpoint', label: 'Endpoint' },
      { key: 'priority', label: 'Priority' },
      { key: 'is_active', label: 'Active', options: YES_NO },
      { key: 'is_default', label: 'Default provider', options: YES_NO },
    ],
    initial: (p) => ({
      provider_name: p.provider_name,
      model_name: p.model_name,
      api_endpoint: p.api_endpoint ?? '',
      priority: String(p.priority),
      is_active: String(p.is_active),
      is_default: String(p.is_default),
    }),
    save: async (p, v) =>
      unwrap(
        await api.PATCH('/api/v1/ai/providers/{id}', {
          params: { path: { id: p.id } },
          body: {
            provider_name: v.provider_name.trim(),
            model_name: v.model_name.trim(),
            api_endpoint: orNull(v.api_endpoint),
            priority: numberOrNull(v.priority, 'Priority') ?? 0,
            is_active: v.is_active === 'true',
            is_default: v.is_default === 'true',
          },
        }),
      ),
  },
};

async function getProvider(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/ai/providers/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}

export const boardPane: PaneSpec<Awaited<ReturnType<typeof getBoard>>, 'name' | 'description'> = {
  label: 'Board',
  source: {
    root: 'board',
    history: async (id) => unwrap(await api.GET('/api/v1/kanban/boards/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getBoard(id, asOf),
  },
  title: (b) => b.name,
  facts: (b) => [
    ['Description', b.description],
    ['Columns', b.columns.map((c) => String((c as { name?: unknown }).name ?? '')).join(', ') || null],
    ['Created', when(b.created_at)],
  ],
  edit: {
    fields: [
      { key: 'name', label: 'Name', required: 'A board needs a name.' },
      { key: 'description', label: 'Description', kind: 'textarea' },
    ],
    initial: (b) => ({ name: b.name, description: b.description ?? '' }),
    save: async (b, v) => unwrap(await api.PATCH('/api/v1/kanban/boards/{id}', { params: { path: { id: b.id } }, body: { name: v.name.trim(), description: orNull(v.description) } })),
  },
};

async function getBoard(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/kanban/boards/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}

export const ceremonySessionPane: PaneSpec<Awaited<ReturnType<typeof getSession>>> = {
  label: 'Ceremony session',
  source: {
    root: 'ceremonies',
    history: async (id) => unwrap(await api.GET('/api/v1/ceremonies/sessions/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getSession(id, asOf),
  },
  title: (s) => `Session of ${day(s.started_at)}`,
  facts: (s) => [
    ['Status', s.status],
    ['Step', s.current_step + 1],
    ['Started', when(s.started_at)],
    ['Ended', when(s.completed_at)],
    ['Minutes', s.duration_minutes],
    ['Notes', s.notes],
  ],
};

async function getSession(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/ceremonies/sessions/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}

export const pomodoroSessionPane: PaneSpec<Awaited<ReturnType<typeof getPomodoro>>> = {
  label: 'Pomodoro session',
  source: {
    root: 'pomodoro',
    history: async (id) => unwrap(await api.GET('/api/v1/pomodoro/sessions/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getPomodoro(id, asOf),
  },
  title: (p) => `${p.type} of ${p.duration_minutes} min`,
  facts: (p) => [
    ['Started', when(p.started_at)],
    ['Ended', when(p.ended_at)],
    ['Completed', p.completed],
    ['Cancelled because', p.cancel_reason],
    ['Notes', p.notes],
  ],
};

async function getPomodoro(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/pomodoro/sessions/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}

export const attachmentPane: PaneSpec<Awaited<ReturnType<typeof getAttachment>>, 'filename'> = {
  label: 'Attachment',
  source: {
    root: 'attachments',
    history: async (id) => unwrap(await api.GET('/api/v1/attachments/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getAttachment(id, asOf),
  },
  title: (a) => a.filename,
  facts: (a) => [
    ['Type', a.mime_type],
    ['Size', formatBytes(a.size)],
    ['Uploaded', when(a.uploaded_at)],
  ],
  edit: {
    fields: [{ key: 'filename', label: 'File name', required: 'A file needs a name.' }],
    initial: (a) => ({ filename: a.filename }),
    save: async (a, v) => unwrap(await api.PATCH('/api/v1/attachments/{id}', { params: { path: { id: a.id } }, body: { filename: v.filename.trim() } })),
  },
};

async function getAttachment(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/attachments/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}

export const promptPane: PaneSpec<Awaited<ReturnType<typeof getPrompt>>, 'name' | 'category' | 'description' | 'template' | 'is_favorite'> = {
  label: 'Prompt',
  source: {
    root: 'prompts',
    history: async (id) => unwrap(await api.GET('/api/v1/ai/prompts/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getPrompt(id, asOf),
  },
  title: (p) => p.name,
  facts: (p) => [
    ['Category', p.category],
    ['Favourite', p.is_favorite],
    ['Description', p.description],
    ['Template', p.template],
    ['Variables', p.variables.join(', ') || null],
    ['Used', p.usage_count],
  ],
  edit: {
    fields: [
      { key: 'name', label: 'Name', required: 'A prompt needs a name.' },
      { key: 'category', label: 'Category' },
      { key: 'description', label: 'Description' },
      { key: 'template', label: 'Template', kind: 'textarea', required: 'A prompt needs a template.' },
      { key: 'is_favorite', label: 'Favourite', options: YES_NO },
    ],
    initial: (p) => ({ name: p.name, category: p.category ?? '', description: p.description ?? '', template: p.template, is_favorite: String(p.is_favorite) }),
    save: async (p, v) =>
      unwrap(
        await api.PATCH('/api/v1/ai/prompts/{id}', {
          params: { path: { id: p.id } },
          body: { name: v.name.trim(), category: orNull(v.category), description: orNull(v.description), template: v.template, is_favorite: v.is_favorite === 'true' },
        }),
      ),
  },
};

async function getPrompt(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/ai/prompts/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}

const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;

export const activityGoalPane: PaneSpec<Awaited<ReturnType<typeof getActivityGoal>>, 'activity_type' | 'target_frequency' | 'target_count' | 'target_duration' | 'is_active'> = {
  label: 'Activity goal',
  source: {
    root: 'activities',
    history: async (id) => unwrap(await api.GET('/api/v1/activities/goals/{id}/history', { params: { path: { id } } })),
    at: (id, asOf) => getActivityGoal(id, asOf),
  },
  title: (g) => `${g.activity_type}, ${g.target_frequency}`,
  facts: (g) => [
    ['Times', g.target_count],
    ['Minutes', g.target_duration_minutes],
    ['Active', g.is_active],
    ['From', day(g.start_date)],
    ['Until', day(g.end_date)],
  ],
  edit: {
    fields: [
      { key: 'activity_type', label: 'Kind', options: ACTIVITY_TYPES.map((t) => [t, t]) },
      { key: 'target_frequency', label: 'Every', options: FREQUENCIES.map((f) => [f, f]) },
      { key: 'target_count', label: 'Times' },
      { key: 'target_duration', label: 'Minutes' },
      { key: 'is_active', label: 'Active', options: YES_NO },
    ],
    initial: (g) => ({
      activity_type: g.activity_type,
      target_frequency: g.target_frequency,
      target_count: String(g.target_count ?? ''),
      target_duration: String(g.target_duration_minutes ?? ''),
      is_active: String(g.is_active),
    }),
    save: async (g, v) =>
      unwrap(
        await api.PATCH('/api/v1/activities/goals/{id}', {
          params: { path: { id: g.id } },
          body: {
            activity_type: v.activity_type,
            target_frequency: FREQUENCIES.find((f) => f === v.target_frequency) ?? 'weekly',
            target_count: numberOrNull(v.target_count, 'Times'),
            target_duration_minutes: numberOrNull(v.target_duration, 'Minutes'),
            is_active: v.is_active === 'true',
          },
        }),
      ),
  },
};

async function getActivityGoal(id: string, asOf?: string) {
  return unwrap(await api.GET('/api/v1/activities/goals/{id}', { params: { path: { id }, query: asOfQuery(asOf) } }));
}
