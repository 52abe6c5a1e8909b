/** Client-side checks that mirror the server's rules, so a person hears at once; the server
 * still decides (its problem+json `detail` is shown when it refuses). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const TITLE_MAX = 500;

export type Errors<K extends string> = Partial<Record<K, string>>;

export function validateCredentials(
  form: { email: string; password: string; name?: string },
  mode: 'login' | 'register',
): Errors<'email' | 'password' | 'name'> {
  const errors: Errors<'email' | 'password' | 'name'> = {};
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) errors.email = 'Enter an email address like ada@example.com.';
  if (mode === 'register') {
    const n = [...form.password].length;
    if (n < PASSWORD_MIN || n > PASSWORD_MAX) errors.password = `Use ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`;
    if (!form.name?.trim()) errors.name = 'Enter your name.';
  } else if (!form.password) {
    errors.password = 'Enter your password.';
  }
  return errors;
}

/** A name or title the server would refuse as too long. */
export function tooLong(text: string, max = TITLE_MAX): string | undefined {
  return [...text.trim()].length > max ? `Keep it under ${max} characters.` : undefined;
}

export function validateTitle(title: string): string | undefined {
  if (!title.trim()) return 'A task needs a title.';
  return tooLong(title) && `Keep the title under ${TITLE_MAX} characters.`;
}
