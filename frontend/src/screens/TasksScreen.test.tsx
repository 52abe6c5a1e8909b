import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { json, mockFetch } from '../test/http';
import { renderWithClient } from '../test/render';
import TasksScreen from './TasksScreen';

const task = (i: number, status = 'pending') => ({
  id: `t${i}`,
  user_id: 'u',
  title: `Task ${i}`,
  status,
  priority: 2,
  tags: [],
  version: 1,
  created_at: '',
  updated_at: '',
});

function render(route = '/tasks') {
  return renderWithClient(
    <Routes>
      <Route path="/tasks/:taskId?" element={<TasksScreen />} />
    </Routes>,
    route,
  );
}

describe('TasksScreen', () => {
  it('sends filters and paging to the server and shows its total', async () => {
    const { requests } = mockFetch((r) => {
      const url = new URL(r.url);
      if (url.pathname === '/api/v1/tasks') {
        const offset = Number(url.searchParams.get('offset') ?? 0);
        return json([task(offset + 1), task(offset + 2)], 200, { 'x-total-count': '120' });
      }
      return undefined;
    });
    render();
    expect(await screen.findByText('1–2 of 120')).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'in_progress');
    await userEvent.click(await screen.findByRole('button', { name: 'Next' }));
    expect(await screen.findByText('51–52 of 120')).toBeInTheDocument();
    const last = new URL(requests.at(-1)!.url).searchParams;
    expect(last.get('status')).toBe('in_progress');
    expect(last.get('offset')).toBe('50');
    expect(last.get('limit')).toBe('50');
  });

  it('moves with j, completes with x, and puts the task back when the server refuses', async () => {
    const { requests } = mockFetch((r) => {
      const url = new URL(r.url);
      if (url.pathname === '/api/v1/tasks') return json([task(1), task(2)], 200, { 'x-total-count': '2' });
      if (url.pathname.endsWith('/complete')) return json({ status: 409, title: 'Conflict', detail: 'The task was deleted meanwhile.' }, 409);
      if (url.pathname.startsWith('/api/v1/tasks/t')) return json(url.pathname.endsWith('/history') || url.pathname.endsWith('/activity') ? [] : task(1));
      return undefined;
    });
    render();
    const list = await screen.findByRole('list', { name: 'Tasks' });
    await userEvent.keyboard('j');
    await waitFor(() => expect(within(list).getByText('Task 1').closest('li')).toHaveAttribute('aria-current', 'true'));
    await userEvent.keyboard('x');
    await waitFor(() => expect(requests.some((r) => r.url.endsWith('/tasks/t1/complete'))).toBe(true));
    await waitFor(() => expect(screen.getByRole('checkbox', { name: 'Complete Task 1' })).not.toBeChecked());
    expect(screen.getByRole('checkbox', { name: 'Complete Task 2' })).not.toBeChecked();
  });

  it('says what to do when there is nothing yet', async () => {
    mockFetch(() => json([], 200, { 'x-total-count': '0' }));
    render();
    expect(await screen.findByText('No tasks yet. Press c to add one.')).toBeInTheDocument();
  });
});
