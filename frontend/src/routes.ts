import type { QueryClient } from '@tanstack/react-query';
import { lazyScreen, type LazyScreen } from './lib/lazyScreen';
import { taskFilters, tasksQuery } from './lib/tasks';

// The first screen (Today) ships in the entry chunk; the rest load when opened (or ahead:
// `preloadScreen`).
export const SCREENS: Record<string, LazyScreen> = {
  tasks: lazyScreen(
    () => import('./screens/TasksScreen'),
    (client, url) => void client.prefetchQuery(tasksQuery(taskFilters(url.searchParams))),
  ),
  board: lazyScreen(() => import('./screens/BoardScreen')),
  focus: lazyScreen(() => import('./screens/FocusScreen')),
  timeline: lazyScreen(() => import('./screens/TimelineScreen')),
  settings: lazyScreen(() => import('./screens/SettingsScreen')),
  notes: lazyScreen(() => import('./screens/NotesScreen')),
  goals: lazyScreen(() => import('./screens/GoalsScreen')),
  projects: lazyScreen(() => import('./screens/ProjectsScreen')),
  clients: lazyScreen(() => import('./screens/ClientsScreen')),
  schedule: lazyScreen(() => import('./screens/ScheduleScreen')),
  activities: lazyScreen(() => import('./screens/ActivitiesScreen')),
  insights: lazyScreen(() => import('./screens/InsightsScreen')),
  ceremonies: lazyScreen(() => import('./screens/CeremoniesScreen')),
};

const screenAt = (pathname: string) => SCREENS[pathname.split('/')[1] ?? ''];

/** Loads the chunk of the screen at `pathname` (nothing for Today, already in). */
export function preloadScreen(pathname: string): Promise<void> {
  return screenAt(pathname)?.preload() ?? Promise.resolve();
}

/** The app's first load: the opened screen's chunk and, in parallel, its first data. */
export function openScreen(url: URL, client: QueryClient): Promise<void> {
  const screen = screenAt(url.pathname);
  screen?.prefetch?.(client, url);
  return screen?.preload() ?? Promise.resolve();
}
