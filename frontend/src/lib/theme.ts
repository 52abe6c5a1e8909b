import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api/client';
import { unwrap } from '../api/problem';

/** Applies the user's theme setting (light, dark, or the system's). */
export function applyTheme(theme: string | null | undefined): void {
  const dark =
    theme === 'dark' ||
    ((theme === 'system' || theme === 'auto' || !theme) && window.matchMedia?.('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function useSettings() {
  return useQuery({
    queryKey: ['settings'],
    queryFn: async () => unwrap(await api.GET('/api/v1/settings')),
  });
}

export function useTheme(): void {
  const settings = useSettings();
  const theme = settings.data?.theme;
  useEffect(() => applyTheme(theme), [theme]);
}
