import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { renderWithClient } from '../test/render';
import { tooLong } from '../lib/validation';
import { CreateByName } from './CreateByName';
import { QueryList } from './QueryView';

describe('CreateByName', () => {
  it('refuses a blank or too long name without calling, creates a trimmed one and clears', async () => {
    const onCreate = vi.fn(async () => undefined);
    renderWithClient(<CreateByName label="New goal" required="A goal needs a title." validate={tooLong} onCreate={onCreate} />);
    const input = screen.getByLabelText('New goal');
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(screen.getByRole('alert')).toHaveTextContent('A goal needs a title.');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(input);
    await userEvent.paste('x'.repeat(501));
    await userEvent.keyboard('{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('Keep it under 500 characters.');
    expect(onCreate).not.toHaveBeenCalled();
    await userEvent.clear(input);
    await userEvent.type(input, '  Run a marathon  {Enter}');
    expect(onCreate).toHaveBeenCalledWith('Run a marathon');
    expect(input).toHaveValue('');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it("keeps the text and shows the server's detail when it refuses", async () => {
    const onCreate = vi.fn(async () => {
      throw new ApiError(409, { detail: 'A project with this name exists.' });
    });
    renderWithClient(<CreateByName label="New project" required="A project needs a name." onCreate={onCreate} />);
    await userEvent.type(screen.getByLabelText('New project'), 'Website{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('A project with this name exists.');
    expect(screen.getByLabelText('New project')).toHaveValue('Website');
  });
});

describe('QueryList', () => {
  const base = { isPending: false, isError: false, error: null, refetch: vi.fn() };
  const row = (t: { id: string; name: string }) => <li key={t.id}>{t.name}</li>;

  it('shows loading, then the error with Try again, then the empty message, then the rows', async () => {
    const { rerender } = renderWithClient(<QueryList query={{ ...base, isPending: true, data: undefined }} label="Clients" loading="Loading clients" children={row} />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading clients');
    const refetch = vi.fn();
    rerender(<QueryList query={{ ...base, isError: true, error: new ApiError(500, { detail: 'The database is away.' }), data: undefined, refetch }} label="Clients" children={row} />);
    expect(screen.getByRole('alert')).toHaveTextContent('The database is away.');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(refetch).toHaveBeenCalled();
    rerender(<QueryList query={{ ...base, data: [] }} label="Clients" empty="No clients yet." children={row} />);
    expect(screen.getByText('No clients yet.')).toBeInTheDocument();
    rerender(<QueryList query={{ ...base, data: [{ id: '1', name: 'Acme' }] }} label="Clients" empty="No clients yet." children={row} />);
    expect(screen.getByRole('list', { name: 'Clients' })).toHaveTextContent('Acme');
  });
});
