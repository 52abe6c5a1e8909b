import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/problem';
import { renderWithClient } from '../test/render';
import { EditForm, type FieldSpec } from './EditForm';

type K = 'name' | 'email' | 'status';
const fields: FieldSpec<K>[] = [
  { key: 'name', label: 'Name', required: 'A client needs a name.' },
  { key: 'email', label: 'Email', kind: 'email' },
  { key: 'status', label: 'Status', options: [['active', 'active'], ['archived', 'archived']] },
];

describe('EditForm', () => {
  it('refuses a blank required field, then saves every field and closes', async () => {
    const onSave = vi.fn(async () => undefined);
    const onDone = vi.fn();
    renderWithClient(<EditForm fields={fields} initial={{ name: 'Acme', email: '', status: 'active' }} onSave={onSave} onDone={onDone} />);
    await userEvent.clear(screen.getByLabelText('Name'));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('A client needs a name.');
    expect(onSave).not.toHaveBeenCalled();
    await userEvent.type(screen.getByLabelText('Name'), 'Acme Ltd');
    await userEvent.type(screen.getByLabelText('Email'), 'hi@acme.example');
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'archived');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSave).toHaveBeenCalledWith({ name: 'Acme Ltd', email: 'hi@acme.example', status: 'archived' });
    expect(onDone).toHaveBeenCalled();
  });

  it("shows the server's detail and its message beside the field it names, and stays open", async () => {
    const onSave = vi.fn(async () => {
      throw new ApiError(422, { detail: 'the request is invalid', errors: [{ field: 'email', message: 'must be an email address like name@example.com' }] });
    });
    const onDone = vi.fn();
    renderWithClient(<EditForm fields={fields} initial={{ name: 'Acme', email: 'nope', status: 'active' }} onSave={onSave} onDone={onDone} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the request is invalid');
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('must be an email address like name@example.com');
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(onDone).not.toHaveBeenCalled();
  });
});
