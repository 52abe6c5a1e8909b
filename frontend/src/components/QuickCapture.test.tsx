import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { useShortcut } from '../lib/shortcuts';
import { json, mockFetch } from '../test/http';
import { renderWithClient } from '../test/render';
import { QuickCapture } from './QuickCapture';

function Host() {
  const [open, setOpen] = useState(false);
  useShortcut(['c', 'q'], () => setOpen(true));
  return (
    <>
      <input aria-label="Elsewhere" />
      {open && <QuickCapture onClose={() => setOpen(false)} />}
    </>
  );
}

describe('quick capture', () => {
  it('opens on c, refuses an empty title, creates on Enter and closes', async () => {
    const { requests } = mockFetch((r) =>
      r.method === 'POST' && r.url.endsWith('/api/v1/tasks') ? json({ id: 't1', title: 'Buy milk', status: 'pending', priority: 0 }, 201) : json([]),
    );
    renderWithClient(<Host />);
    await userEvent.keyboard('c');
    const title = screen.getByLabelText('Title');
    expect(title).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('A task needs a title.');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    await userEvent.type(title, '  Buy milk {Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const post = requests.find((r) => r.method === 'POST')!;
    expect(await post.json()).toEqual({ title: 'Buy milk' });
  });

  it('does not open while typing in a field', async () => {
    mockFetch(() => json([]));
    renderWithClient(<Host />);
    await userEvent.type(screen.getByLabelText('Elsewhere'), 'cq');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it("shows the server's detail when it refuses", async () => {
    mockFetch(() => json({ status: 422, title: 'Unprocessable', detail: 'title: must be at most 500 characters' }, 422));
    renderWithClient(<Host />);
    await userEvent.keyboard('q');
    await userEvent.type(screen.getByLabelText('Title'), 'x{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('title: must be at most 500 characters');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
