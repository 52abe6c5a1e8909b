import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { json, mockFetch } from '../test/http';
import { renderWithClient } from '../test/render';
import CeremoniesScreen from './CeremoniesScreen';

const component = (id: string, type: string, name: string, config: object = {}) => ({
  id, type, name, config, description: '', created_at: '', updated_at: '', is_active: true, is_required: true, order_index: 0, version: 1,
});
const race = {
  id: 'wr', name: 'Writing Race', description: 'Write, then let the AI find tasks.', estimated_minutes: 20, category: 'writing', icon: '', is_active: true,
  order_index: 1, created_at: '', updated_at: '', version: 1, component_ids: ['c0', 'c1', 'c2', 'c3'],
  components: [
    component('c0', 'timer', 'Set the clock', { minutes: 15, min_minutes: 5, max_minutes: 60 }),
    component('c1', 'writing_area', 'Write', { word_counter: { target_words: 500 } }),
    component('c2', 'ai_processor', 'Summary and tasks'),
    component('c3', 'task_review', 'Keep what matters', { source: 'ai_output.tasks' }),
  ],
};
const answer = { summary: 'Garden plans.', tasks: [{ title: 'Buy seeds', priority: 2, estimated_minutes: 15 }, { title: 'Call Anna', priority: 3, estimated_minutes: 10 }] };

/** A fake Joan holding one Writing Race session at the writing step. */
function fakeServer() {
  const session = {
    id: 's1', template_id: 'wr', user_id: 'u', status: 'in_progress', current_step: 1, started_at: '2026-12-07T10:00:00Z', created_at: '', updated_at: '',
    steps: race.components.map((c) => ({ component_id: c.id, type: c.type })), input_data: { '0': { minutes: 10 } } as Record<string, unknown>,
    ai_steps: {} as Record<string, unknown>, tasks_created: 0, notes_created: 0, version: 3, duration_minutes: null as number | null,
  };
  let polls = 0;
  const execution = () => ({
    id: 'e1', status: polls++ < 1 ? 'running' : answered ? 'completed' : 'waiting_input', template_id: 't', template_name: 'x', input: {}, created_at: '', updated_at: '', user_id: 'u', version: 1,
    steps: [{ type: 'ai_process', status: 'completed', output: answer }],
  });
  let answered = false;
  return mockFetch(async (r) => {
    const path = new URL(r.url).pathname.replace('/api/v1', '');
    if (path === '/ceremonies/templates') return json([race]);
    if (path === '/ceremonies/sessions/s1' && r.method === 'GET') return json(session);
    if (path === '/ceremonies/sessions/s1' && r.method === 'PATCH') {
      const body = await r.json();
      if (body.input_data) session.input_data[String(session.current_step)] = body.input_data;
      if (body.current_step !== undefined) session.current_step = body.current_step;
      return json(session);
    }
    if (path === '/ceremonies/sessions/s1/ai') {
      session.ai_steps = { c2: { execution_id: 'e1', status: 'running' } };
      return json({ execution_id: 'e1' }, 202);
    }
    if (path === '/ai/workflows/executions/e1') return json(execution());
    if (path === '/ai/workflows/executions/e1/input') {
      answered = true;
      session.ai_steps = { c2: { execution_id: 'e1', status: 'succeeded', output: { answer, created: ['t1'] } } };
      return json(execution());
    }
    if (path === '/ceremonies/sessions/s1/complete') {
      Object.assign(session, { status: 'completed', duration_minutes: 12, tasks_created: 1 });
      return json(session);
    }
    if (path === '/tasks/t1') return json({ id: 't1', title: 'Buy basil seeds' });
    return undefined;
  });
}

describe('CeremoniesScreen', () => {
  it('runs a Writing Race: writing with a word count, the AI step live, the review, the created tasks', async () => {
    const { requests } = fakeServer();
    renderWithClient(
      <Routes>
        <Route path="/ceremonies/:sessionId?" element={<CeremoniesScreen />} />
      </Routes>,
      '/ceremonies/s1',
    );
    expect(await screen.findByRole('heading', { name: 'Write' })).toBeInTheDocument();
    expect(screen.getByRole('timer')).toHaveTextContent('10:00');
    await userEvent.type(screen.getByLabelText('Your writing'), 'I must buy seeds and call Anna');
    expect(screen.getByText('7 words of 500')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    const patch = requests.find((r) => r.method === 'PATCH')!;
    expect(await patch.json()).toEqual({ input_data: { text: 'I must buy seeds and call Anna', word_count: 7 }, current_step: 2 });

    await userEvent.click(await screen.findByRole('button', { name: 'Run the AI step' }));
    expect(await screen.findByText('The AI is working on it…')).toBeInTheDocument();
    expect(await screen.findByText(/review its tasks next/, {}, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.getByText('Garden plans.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));

    const proposed = await screen.findByRole('list', { name: 'Proposed tasks' });
    await userEvent.click(within(proposed).getByRole('checkbox', { name: 'Keep Call Anna' }));
    const title = within(proposed).getByLabelText('Title of task 1');
    await userEvent.clear(title);
    await userEvent.type(title, 'Buy basil seeds');
    await userEvent.click(screen.getByRole('button', { name: 'Create 1 task' }));

    const created = await screen.findByRole('list', { name: 'Created tasks' });
    expect(within(created).getByRole('link', { name: 'Buy basil seeds' })).toHaveAttribute('href', '/tasks/t1');
    expect(screen.getByText('Completed in 12 min.')).toBeInTheDocument();
    const input = requests.find((r) => r.url.endsWith('/executions/e1/input'))!;
    expect(await input.json()).toEqual({ tasks: [{ title: 'Buy basil seeds', priority: 2, estimated_minutes: 15 }] });
    const complete = requests.find((r) => r.url.endsWith('/complete'))!;
    expect(await complete.json()).toEqual({ tasks_created: 1 });
  });

  it('shows why the AI step failed and runs it again on Try again', async () => {
    const session = {
      id: 's2', template_id: 'wr', user_id: 'u', status: 'in_progress', current_step: 2, started_at: '', created_at: '', updated_at: '',
      steps: race.components.map((c) => ({ component_id: c.id, type: c.type })), input_data: {}, tasks_created: 0, notes_created: 0, version: 4,
      ai_steps: { c2: { execution_id: 'e9', status: 'failed', error: 'ai_timeout: no answer' } },
    };
    const { requests } = mockFetch((r) => {
      const path = new URL(r.url).pathname.replace('/api/v1', '');
      if (path === '/ceremonies/templates') return json([race]);
      if (path === '/ceremonies/sessions/s2') return json(session);
      if (path === '/ai/workflows/executions/e9') return json({ id: 'e9', status: 'failed', error: 'ai_timeout: no answer', steps: [] });
      if (path === '/ceremonies/sessions/s2/ai') return json({ execution_id: 'e10' }, 202);
      if (path === '/ai/workflows/executions/e10') return json({ id: 'e10', status: 'running', steps: [] });
      return undefined;
    });
    renderWithClient(
      <Routes>
        <Route path="/ceremonies/:sessionId?" element={<CeremoniesScreen />} />
      </Routes>,
      '/ceremonies/s2',
    );
    expect(await screen.findByText('The AI step failed: ai_timeout: no answer')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Next' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('The AI is working on it…')).toBeInTheDocument();
    const run = requests.find((r) => r.url.endsWith('/sessions/s2/ai'))!;
    expect(await run.json()).toEqual({ component_id: 'c2' });
  });

  it("lists the templates and shows the server's message when a start is refused", async () => {
    mockFetch((r) => {
      const path = new URL(r.url).pathname;
      if (path.endsWith('/ceremonies/templates')) return json([race]);
      if (path.endsWith('/sessions/history')) return json([]);
      if (path.endsWith('/sessions/start')) return json({ status: 404, title: 'Not Found', detail: 'No such ceremony.' }, 404);
      return undefined;
    });
    renderWithClient(
      <Routes>
        <Route path="/ceremonies/:sessionId?" element={<CeremoniesScreen />} />
      </Routes>,
      '/ceremonies',
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Start Writing Race' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('No such ceremony.'));
  });

  it("adds Daily Planning's confirmed plan to today's schedule, beside its blocks, and shows what it placed", async () => {
    const planning = { ...race, id: 'dp', name: 'Daily Planning', component_ids: ['p0', 'p1'], components: [component('p0', 'ai_processor', 'Proposed plan'), component('p1', 'confirm', 'Confirm the day', { message: 'Ready?', applies: 'schedule', records: 'plan' })] };
    const plan = [
      { task_id: null, title: 'Report', start: '10:00', estimated_minutes: 90, priority: 2, reason: '' },
      { task_id: null, title: 'Bank', start: '09:30', estimated_minutes: 20, priority: 3, reason: '' },
    ];
    const session = {
      id: 's2', template_id: 'dp', user_id: 'u', status: 'in_progress', current_step: 1, started_at: '2026-12-07T10:00:00Z', created_at: '', updated_at: '',
      steps: planning.components.map((c) => ({ component_id: c.id, type: c.type })), input_data: {} as Record<string, unknown>,
      ai_steps: { p0: { status: 'succeeded', output: { answer: { plan } } } }, tasks_created: 0, notes_created: 0, version: 3, duration_minutes: null as number | null,
    };
    const { requests } = mockFetch(async (r) => {
      const path = new URL(r.url).pathname.replace('/api/v1', '');
      if (path === '/ceremonies/templates') return json([planning]);
      if (path === '/ceremonies/sessions/s2' && r.method === 'GET') return json(session);
      if (path === '/ceremonies/sessions/s2' && r.method === 'PATCH') {
        session.input_data['1'] = (await r.json()).input_data;
        return json(session);
      }
      if (path === '/ceremonies/sessions/s2/complete') return json(Object.assign(session, { status: 'completed', duration_minutes: 5 }));
      if (path.startsWith('/schedule/daily/')) return json({ id: 'd', date: '2026-12-07', blocks: [{ start: '09:00', end: '10:00', title: 'Deep work' }], created_at: '', updated_at: '', user_id: 'u', version: 1 });
      if (path === '/schedule/daily') return json({}, 200);
      return undefined;
    });
    renderWithClient(
      <Routes>
        <Route path="/ceremonies/:sessionId?" element={<CeremoniesScreen />} />
      </Routes>,
      '/ceremonies/s2',
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Finish' }));
    const added = await screen.findByRole('list', { name: "Added to today's schedule" });
    expect(added).toHaveTextContent('10:00–11:30 Report');
    expect(screen.getByRole('list', { name: 'Not added to the schedule' })).toHaveTextContent('Bank: overlaps Deep work (09:00–10:00)');
    const post = requests.find((r) => new URL(r.url).pathname === '/api/v1/schedule/daily')!;
    expect(post.method).toBe('POST');
    const body = (await post.json()) as { blocks: { start: string; end: string; title: string }[] };
    expect(body.blocks.map((b) => `${b.start}-${b.end} ${b.title}`)).toEqual(['09:00-10:00 Deep work', '10:00-11:30 Report']);
    // The schedule is written before the session completes.
    const order = requests.map((r) => new URL(r.url).pathname).filter((p) => p === '/api/v1/schedule/daily' || p.endsWith('/complete'));
    expect(order).toEqual(['/api/v1/schedule/daily', '/api/v1/ceremonies/sessions/s2/complete']);
  });
});
