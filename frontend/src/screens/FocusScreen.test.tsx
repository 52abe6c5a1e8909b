import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, mockFetch } from '../test/http';
import { renderWithClient } from '../test/render';
import FocusScreen from './FocusScreen';

const idle = { session: null, ends_at: null, remaining_seconds: null, next_type: 'work', work_sessions_since_long_break: 1, sessions_until_long_break: 4 };
const running = (endsAt: string) => ({
  ...idle,
  session: { id: 's1', user_id: 'u', type: 'work', duration_minutes: 25, started_at: '2026-01-01T10:00:00Z', ended_at: null, completed: false, task_id: null, notes: null, version: 1 },
  ends_at: endsAt,
  remaining_seconds: 1500,
});

afterEach(() => vi.useRealTimers());

describe('FocusScreen', () => {
  it('shows the running session from the server counting down to its end', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-01-01T10:00:00Z'));
    mockFetch((r) => (r.url.endsWith('/pomodoro/current') ? json(running('2026-01-01T10:25:00Z')) : r.url.includes('/pomodoro/sessions') ? json([]) : undefined));
    renderWithClient(<FocusScreen />);
    expect(await screen.findByRole('timer')).toHaveTextContent('25:00');
    await act(async () => {
      vi.advanceTimersByTime(61_000);
    });
    expect(screen.getByRole('timer')).toHaveTextContent('23:59');
    await act(async () => {
      vi.advanceTimersByTime(25 * 60_000);
    });
    expect(screen.getByRole('timer')).toHaveTextContent('00:00');
    expect(screen.getByText('Time is up.')).toBeInTheDocument();
  });

  it('starts the suggested kind, refuses a bad length without calling the server', async () => {
    let current: object = idle;
    const { requests } = mockFetch(async (r) => {
      if (r.url.endsWith('/pomodoro/current')) return json(current);
      if (r.url.includes('/pomodoro/sessions')) return json([]);
      if (r.url.endsWith('/pomodoro/start')) {
        current = running(new Date(Date.now() + 10 * 60_000).toISOString());
        return json((current as { session: object }).session, 201);
      }
      return undefined;
    });
    renderWithClient(<FocusScreen />);
    const minutes = await screen.findByLabelText(/Minutes/);
    await userEvent.type(minutes, '500');
    await userEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Choose 1 to 240 minutes.');
    expect(requests.some((r) => r.url.endsWith('/start'))).toBe(false);

    await userEvent.clear(minutes);
    await userEvent.type(minutes, '10');
    await userEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(screen.getByRole('timer')).toBeInTheDocument());
    const start = requests.find((r) => r.url.endsWith('/start'))!;
    expect(await start.json()).toEqual({ type: 'work', duration_minutes: 10 });
  });

  it("shows the server's message when a start is refused", async () => {
    mockFetch((r) => {
      if (r.url.endsWith('/pomodoro/current')) return json(idle);
      if (r.url.includes('/pomodoro/sessions')) return json([]);
      if (r.url.endsWith('/pomodoro/start')) return json({ status: 409, title: 'Conflict', detail: 'A session is already running.' }, 409);
      return undefined;
    });
    renderWithClient(<FocusScreen />);
    await userEvent.click(await screen.findByRole('button', { name: 'Start' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('A session is already running.');
  });
});
