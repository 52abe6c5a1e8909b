import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { goalHistory } from '../lib/goals';
import { noteHistory } from '../lib/notes';
import { taskHistory } from '../lib/tasks';
import { json, mockFetch } from '../test/http';
import { renderWithClient } from '../test/render';
import { EntityHistory, HistoryActivity } from './EntityHistory';

const at = ['2026-12-01T09:00:00.000Z', '2026-12-02T10:00:00.000Z', '2026-12-03T11:00:00.000Z'];
// An edit of two fields is two events at one instant: one version, ending at sequence 3.
const entries = [
  { sequence: 1, type: 'NoteCreated', version: '1', at: at[0], data: { title: 'First' } },
  { sequence: 2, type: 'NoteTitleChanged', version: '1', at: at[1], data: { from: 'First', to: 'Second' } },
  { sequence: 3, type: 'NoteContentChanged', version: '1', at: at[1], data: { from: '', to: 'x' } },
  { sequence: 4, type: 'NoteTitleChanged', version: '1', at: at[2], data: { from: 'Second', to: 'Third' } },
];
const titles: Record<string, string> = { [at[0]!]: 'First', [at[1]!]: 'Second' };

/** A server holding one entity (`/api/v1/{kind}/e1`) with three versions. */
function serve(kind: string) {
  let now = 'Third';
  return mockFetch(async (r) => {
    const url = new URL(r.url);
    if (url.pathname === `/api/v1/${kind}/e1/history`) return json(entries);
    if (url.pathname === `/api/v1/${kind}/e1/revert`) {
      const { version } = (await r.json()) as { version: number };
      now = `Restored ${version}`;
      return json({ id: 'e1', title: now });
    }
    if (url.pathname === `/api/v1/${kind}/e1`) return json({ id: 'e1', title: titles[url.searchParams.get('as_of') ?? ''] ?? now });
    return undefined;
  });
}

const show = (e: { title: string }, past: boolean) => <p data-testid="shown">{`${e.title}${past ? ' (then)' : ''}`}</p>;

describe('EntityHistory', () => {
  it('asks for the entity as_of the chosen version and shows it as it was', async () => {
    const { requests } = serve('notes');
    renderWithClient(<EntityHistory source={noteHistory} id="e1">{show}</EntityHistory>);
    expect(await screen.findByText('Third')).toBeInTheDocument();
    const slider = await screen.findByRole('slider');
    expect(screen.getByText(/History: now \(version 3 of 3\)/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Restore this version' })).not.toBeInTheDocument();

    fireEvent.change(slider, { target: { value: '1' } });
    expect(await screen.findByText('Second (then)')).toBeInTheDocument();
    expect(screen.getByText(/as it was on .* \(version 2 of 3\)/)).toBeInTheDocument();
    const asked = requests.map((r) => new URL(r.url)).filter((u) => u.pathname === '/api/v1/notes/e1');
    expect(asked.at(-1)!.searchParams.get('as_of')).toBe(at[1]);

    fireEvent.change(slider, { target: { value: '0' } });
    expect(await screen.findByText('First (then)')).toBeInTheDocument();
    // Back at the right end: the entity now, without as_of.
    fireEvent.change(slider, { target: { value: '2' } });
    expect(await screen.findByText('Third')).toBeInTheDocument();
  });

  it('marks the version shown as loading while the chosen one is on its way', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    mockFetch(async (r) => {
      const url = new URL(r.url);
      if (url.pathname === '/api/v1/notes/e1/history') return json(entries);
      if (url.pathname === '/api/v1/notes/e1') {
        const asOf = url.searchParams.get('as_of');
        if (asOf === at[0]) await gate;
        return json({ id: 'e1', title: titles[asOf ?? ''] ?? 'Third' });
      }
      return undefined;
    });
    renderWithClient(<EntityHistory source={noteHistory} id="e1">{show}</EntityHistory>);
    const slider = await screen.findByRole('slider');
    fireEvent.change(slider, { target: { value: '1' } });
    expect(await screen.findByText('Second (then)')).toBeInTheDocument();
    expect(screen.getByTestId('shown').closest('[aria-busy]')).toBeNull();

    fireEvent.change(slider, { target: { value: '0' } });
    await waitFor(() => expect(screen.getByTestId('shown').closest('[aria-busy="true"]')).not.toBeNull());
    expect(screen.getByTestId('shown')).toHaveTextContent('Second (then)');
    release();
    expect(await screen.findByText('First (then)')).toBeInTheDocument();
    expect(screen.getByTestId('shown').closest('[aria-busy]')).toBeNull();
  });

  it('restores a note to the chosen version and returns to now', async () => {
    const { requests } = serve('notes');
    renderWithClient(<EntityHistory source={noteHistory} id="e1">{show}</EntityHistory>);
    fireEvent.change(await screen.findByRole('slider'), { target: { value: '0' } });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore this version' }));
    expect(await screen.findByText('Restored 1')).toBeInTheDocument();
    const revert = requests.find((r) => r.url.endsWith('/notes/e1/revert'))!;
    expect(revert.method).toBe('POST');
    expect(await revert.json()).toEqual({ version: 1 });
    expect(screen.getByText(/History: now/)).toBeInTheDocument();
  });

  it("restores a task through the task's revert, and shows the server's refusal", async () => {
    const { requests } = mockFetch(async (r) => {
      const url = new URL(r.url);
      if (url.pathname === '/api/v1/tasks/e1/history') return json(entries);
      if (url.pathname === '/api/v1/tasks/e1/revert') return json({ status: 422, title: 'Unprocessable', detail: 'version: must be an earlier version: 1 to 2' }, 422);
      if (url.pathname === '/api/v1/tasks/e1') return json({ id: 'e1', title: titles[url.searchParams.get('as_of') ?? ''] ?? 'Third' });
      return undefined;
    });
    renderWithClient(<EntityHistory source={taskHistory} id="e1">{show}</EntityHistory>);
    fireEvent.change(await screen.findByRole('slider'), { target: { value: '1' } });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore this version' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('must be an earlier version');
    // The version ends with the last event of its instant.
    expect(await requests.find((r) => r.url.endsWith('/tasks/e1/revert'))!.json()).toEqual({ version: 3 });
    // Still looking at the past.
    expect(screen.getByText('Second (then)')).toBeInTheDocument();
  });

  it('offers no restore where the API has none (goals)', async () => {
    serve('goals');
    renderWithClient(<EntityHistory source={goalHistory} id="e1">{show}</EntityHistory>);
    fireEvent.change(await screen.findByRole('slider'), { target: { value: '0' } });
    expect(await screen.findByText('First (then)')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Restore this version' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Back to now' }));
    expect(await screen.findByText('Third')).toBeInTheDocument();
  });

  it('lists the history newest first as the Activity tab', async () => {
    serve('notes');
    renderWithClient(<HistoryActivity source={noteHistory} id="e1" />);
    const items = await screen.findAllByRole('listitem');
    expect(items.map((li) => li.querySelector('strong')?.textContent)).toEqual(['Note title changed', 'Note content changed', 'Note title changed', 'Note created']);
    expect(items[0]).toHaveTextContent('Second → Third');
    expect(items[1]).toHaveTextContent('— → x');
  });

  it('shows the entity alone while it has a single version', async () => {
    mockFetch((r) => {
      const url = new URL(r.url);
      if (url.pathname.endsWith('/history')) return json(entries.slice(0, 1));
      return json({ id: 'e1', title: 'Only' });
    });
    renderWithClient(<EntityHistory source={noteHistory} id="e1">{show}</EntityHistory>);
    expect(await screen.findByText('Only')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('slider')).not.toBeInTheDocument());
  });
});
