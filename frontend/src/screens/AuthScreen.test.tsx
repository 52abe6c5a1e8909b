import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { getSession } from '../api/session';
import { json, mockFetch } from '../test/http';
import { renderWithClient } from '../test/render';
import { AuthScreen } from './AuthScreen';

describe('AuthScreen', () => {
  it('checks the form before calling the server and ties each message to its field', async () => {
    const { spy } = mockFetch(() => undefined);
    renderWithClient(<AuthScreen />);
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    await userEvent.type(screen.getByLabelText('Email'), 'not-an-email');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(/email address like/);
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Use 8 to 128 characters.');
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
    expect(spy).not.toHaveBeenCalled();
  });

  it("shows the server's problem detail when registration is refused", async () => {
    mockFetch((r) =>
      r.url.endsWith('/auth/register')
        ? json({ title: 'Conflict', status: 409, code: 'email_taken', detail: 'An account with this email exists.' }, 409)
        : undefined,
    );
    renderWithClient(<AuthScreen />);
    await userEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    await userEvent.type(screen.getByLabelText('Name'), 'Ada');
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('An account with this email exists.');
    expect(getSession()).toBeNull();
  });

  it('signs in and keeps the tokens', async () => {
    const { requests } = mockFetch((r) =>
      r.url.endsWith('/auth/login') ? json({ access_token: 'A1', refresh_token: 'R1', token_type: 'bearer', expires_in: 900 }) : undefined,
    );
    renderWithClient(<AuthScreen />);
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(getSession()).toEqual({ accessToken: 'A1', refreshToken: 'R1' }));
    expect(await requests[0]!.json()).toEqual({ email: 'ada@example.com', password: 'correct horse' });
  });
});
