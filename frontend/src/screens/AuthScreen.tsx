import { useState } from 'react';
import { login, register } from '../api/auth';
import { messageOf } from '../api/problem';
import { Field } from '../components/Field';
import { validateCredentials } from '../lib/validation';
import { Alert } from '../components/States';

export function AuthScreen() {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [form, setForm] = useState({ email: '', password: '', name: '' });
  const [errors, setErrors] = useState<Partial<Record<'email' | 'password' | 'name', string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value });

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const found = validateCredentials(form, mode);
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      if (mode === 'login') await login(form.email.trim(), form.password);
      else await register(form.email.trim(), form.password, form.name.trim());
    } catch (err) {
      setFailure(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <h1>{mode === 'login' ? 'Sign in to Joan' : 'Create your Joan account'}</h1>
      <form className="stack" onSubmit={submit} noValidate>
        {mode === 'register' && (
          <Field label="Name" error={errors.name}>
            <input autoComplete="name" value={form.name} onChange={set('name')} />
          </Field>
        )}
        <Field label="Email" error={errors.email}>
          <input type="email" autoComplete="email" value={form.email} onChange={set('email')} />
        </Field>
        <Field label="Password" error={errors.password}>
          <input
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            value={form.password}
            onChange={set('password')}
          />
        </Field>
        <Alert message={failure} />
        <button className="primary" type="submit" disabled={busy}>
          {mode === 'login' ? 'Sign in' : 'Create account'}
        </button>
      </form>
      <p>
        {mode === 'login' ? 'New here? ' : 'Have an account? '}
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'login' ? 'register' : 'login');
            setErrors({});
            setFailure(null);
          }}
        >
          {mode === 'login' ? 'Create an account' : 'Sign in'}
        </button>
      </p>
    </main>
  );
}
