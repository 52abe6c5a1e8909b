import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import ActivitiesScreen from '../screens/ActivitiesScreen';
import ScheduleScreen from '../screens/ScheduleScreen';
import { json, mockFetch } from '../test/http';
import { renderWithClient } from '../test/render';

const at = ['2026-12-01T09:00:00.000Z', '2026-12-02T10:00:00.000Z', '2026-12-03T11:00:00.000Z'];
const history = (type: string) => [
  { sequence: 1, type: `${type}Created`, version: '1', at: at[0], data: {} },
  { sequence: 2, type: `${type}NameChanged`, version: '1', at: at[1], data: { from: 'Walk', to: 'Run' } },
  { sequence: 3, type: `${type}NameChanged`, version: '1', at: at[2], data: { from: 'Run', to: 'Sprint' } },
];
const nameAt: Record<string, string> = { [at[0]!]: 'Walk', [at[1]!]: 'Run' };

const activity = (name: string) => ({
  id: 'a1',
  name,
  type: 'exercise',
  date: '2026-12-03',
  duration_minutes: 30,
  mood_after: 7,
  energy_after: 8,
  tags: [],
  created_at: at[0],
  updated_at: at[2],
  user_id: 'u1',
  version: 3,
});

describe('entity panes', () => {
  it('opens a logged activity by click, shows it as it was at the slider (as_of) and its activity', async () => {
    const { requests } = mockFetch((r) => {
      const url = new URL(r.url);
      if (url.pathname === '/api/v1/activities') return json([activity('Sprint')]);
      if (url.pathname === '/api/v1/activities/a1/history') return json(history('Activity'));
      if (url.pathname === '/api/v1/activities/a1') return json(activity(nameAt[url.searchParams.get('as_of') ?? ''] ?? 'Sprint'));
      return undefined;
    });
    renderWithClient(<ActivitiesScreen />);
    await userEvent.click(await screen.findByRole('button', { name: /Sprint/ }));
    const pane = await screen.findByRole('complementary', { name: 'Logged activity' });
    expect(await within(pane).findByRole('heading', { name: 'Sprint' })).toBeInTheDocument();
    expect(within(pane).getByText('7')).toBeInTheDocument();

    fireEvent.change(await within(pane).findByRole('slider'), { target: { value: '0' } });
    expect(await within(pane).findByRole('heading', { name: 'Walk' })).toBeInTheDocument();
    const asked = requests.map((r) => new URL(r.url)).filter((u) => u.pathname === '/api/v1/activities/a1');
    expect(asked.at(-1)!.searchParams.get('as_of')).toBe(at[0]);
    // No edit of the past.
    expect(within(pane).queryByRole('button', { name: 'Edit logged activity' })).not.toBeInTheDocument();

    await userEvent.click(within(pane).getByRole('tab', { name: 'Activity' }));
    const items = await within(pane).findAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Activity name changed');
    expect(items[0]).toHaveTextContent('Run → Sprint');
  });

  it("opens a schedule template from the keyboard, edits it, and shows the server's field message", async () => {
    let name = 'Sprint';
    const template = () => ({ id: 't1', name, description: null, is_default: false, blocks: [{ start: '09:00', end: '10:00', title: 'Focus' }], created_at: at[0], updated_at: at[2], user_id: 'u1', version: 3 });
    const { requests } = mockFetch(async (r) => {
      const url = new URL(r.url);
      if (url.pathname.startsWith('/api/v1/schedule/daily/')) return json({ status: 404, title: 'Not found', detail: 'not found' }, 404);
      if (url.pathname === '/api/v1/schedule/templates') return json([template()]);
      if (url.pathname === '/api/v1/schedule/templates/t1/history') return json(history('Template'));
      if (url.pathname === '/api/v1/schedule/templates/t1' && r.method === 'PATCH') {
        const body = (await r.json()) as { name: string };
        if (body.name.length > 5) return json({ status: 422, title: 'Unprocessable', detail: 'name: too long', errors: [{ field: 'name', message: 'at most 5 characters' }] }, 422);
        name = body.name;
        return json(template());
      }
      if (url.pathname === '/api/v1/schedule/templates/t1') return json({ ...template(), name: nameAt[url.searchParams.get('as_of') ?? ''] ?? name });
      return undefined;
    });
    renderWithClient(<ScheduleScreen />);
    const open = await screen.findByRole('button', { name: 'Sprint' });
    open.focus();
    await userEvent.keyboard('{Enter}');
    const pane = await screen.findByRole('complementary', { name: 'Schedule template' });
    expect(await within(pane).findByText('09:00–10:00 Focus')).toBeInTheDocument();

    fireEvent.change(await within(pane).findByRole('slider'), { target: { value: '1' } });
    expect(await within(pane).findByRole('heading', { name: 'Run' })).toBeInTheDocument();
    const asked = requests.map((r) => new URL(r.url)).filter((u) => u.pathname === '/api/v1/schedule/templates/t1' && u.searchParams.has('as_of'));
    expect(asked.at(-1)!.searchParams.get('as_of')).toBe(at[1]);
    await userEvent.click(within(pane).getByRole('button', { name: 'Back to now' }));

    await userEvent.click(await within(pane).findByRole('button', { name: 'Edit schedule template' }));
    const field = within(pane).getByLabelText('Name');
    await userEvent.clear(field);
    await userEvent.type(field, 'Too long');
    await userEvent.click(within(pane).getByRole('button', { name: 'Save' }));
    expect(await within(pane).findByText('at most 5 characters')).toBeInTheDocument();
    await userEvent.clear(field);
    await userEvent.type(field, 'Calm');
    await userEvent.click(within(pane).getByRole('button', { name: 'Save' }));
    expect(await within(pane).findByRole('heading', { name: 'Calm' })).toBeInTheDocument();
    const patch = requests.filter((r) => r.method === 'PATCH').at(-1)!;
    expect(await patch.json()).toEqual({ name: 'Calm', description: null, is_default: false });
  });
});
