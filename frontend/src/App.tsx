import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ApiError } from './api/problem';
import { getSession, onSessionChange } from './api/session';
import { Layout } from './components/Layout';
import { Loading } from './components/States';
import { AuthScreen } from './screens/AuthScreen';
import { TodayScreen } from './screens/TodayScreen';

// The first screen (Today) ships in the entry chunk; the rest load when opened.
const TasksScreen = lazy(() => import('./screens/TasksScreen'));
const BoardScreen = lazy(() => import('./screens/BoardScreen'));
const FocusScreen = lazy(() => import('./screens/FocusScreen'));
const TimelineScreen = lazy(() => import('./screens/TimelineScreen'));
const SettingsScreen = lazy(() => import('./screens/SettingsScreen'));
const NotesScreen = lazy(() => import('./screens/NotesScreen'));
const GoalsScreen = lazy(() => import('./screens/GoalsScreen'));
const ProjectsScreen = lazy(() => import('./screens/ProjectsScreen'));
const ScheduleScreen = lazy(() => import('./screens/ScheduleScreen'));
const ActivitiesScreen = lazy(() => import('./screens/ActivitiesScreen'));
const InsightsScreen = lazy(() => import('./screens/InsightsScreen'));
const CeremoniesScreen = lazy(() => import('./screens/CeremoniesScreen'));

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
    },
  });
}

const queryClient = makeQueryClient();

export function App() {
  const [signedIn, setSignedIn] = useState(() => getSession() !== null);
  useEffect(
    () =>
      onSessionChange((s) => {
        setSignedIn(s !== null);
        if (!s) queryClient.clear();
      }),
    [],
  );
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        {signedIn ? (
          <Routes>
            <Route element={<Layout />}>
              <Route index element={<TodayScreen />} />
              <Route path="tasks/:taskId?" element={<Lazy><TasksScreen /></Lazy>} />
              <Route path="board" element={<Lazy><BoardScreen /></Lazy>} />
              <Route path="focus" element={<Lazy><FocusScreen /></Lazy>} />
              <Route path="timeline" element={<Lazy><TimelineScreen /></Lazy>} />
              <Route path="settings" element={<Lazy><SettingsScreen /></Lazy>} />
              <Route path="notes" element={<Lazy><NotesScreen /></Lazy>} />
              <Route path="goals" element={<Lazy><GoalsScreen /></Lazy>} />
              <Route path="projects" element={<Lazy><ProjectsScreen /></Lazy>} />
              <Route path="schedule" element={<Lazy><ScheduleScreen /></Lazy>} />
              <Route path="activities" element={<Lazy><ActivitiesScreen /></Lazy>} />
              <Route path="insights" element={<Lazy><InsightsScreen /></Lazy>} />
              <Route path="ceremonies/:sessionId?" element={<Lazy><CeremoniesScreen /></Lazy>} />
              <Route path="*" element={<NotFound />} />
              <Route path="login" element={<Navigate to="/" replace />} />
            </Route>
          </Routes>
        ) : (
          <Routes>
            <Route path="*" element={<AuthScreen />} />
          </Routes>
        )}
      </BrowserRouter>
    </QueryClientProvider>
  );
}

function NotFound() {
  return (
    <section className="content">
      <h1>Not found</h1>
      <p>There is no such page.</p>
    </section>
  );
}

function Lazy({ children }: { children: React.ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}
