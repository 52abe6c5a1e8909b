import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { ApiError } from './api/problem';
import { getSession, onSessionChange } from './api/session';
import { Layout } from './components/Layout';
import { Loading } from './components/States';
import { SCREENS } from './routes';
import { AuthScreen } from './screens/AuthScreen';
import { TodayScreen } from './screens/TodayScreen';

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

export const queryClient = makeQueryClient();

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
              <Route path="tasks/:taskId?" element={<Screen name="tasks" />} />
              <Route path="board" element={<Screen name="board" />} />
              <Route path="focus" element={<Screen name="focus" />} />
              <Route path="timeline" element={<Screen name="timeline" />} />
              <Route path="settings" element={<Screen name="settings" />} />
              <Route path="notes" element={<Screen name="notes" />} />
              <Route path="goals" element={<Screen name="goals" />} />
              <Route path="projects" element={<Screen name="projects" />} />
              <Route path="clients" element={<Screen name="clients" />} />
              <Route path="schedule" element={<Screen name="schedule" />} />
              <Route path="activities" element={<Screen name="activities" />} />
              <Route path="insights" element={<Screen name="insights" />} />
              <Route path="ceremonies/:sessionId?" element={<Screen name="ceremonies" />} />
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

function Screen({ name }: { name: string }) {
  const Component = SCREENS[name]!;
  return (
    <Suspense fallback={<Loading />}>
      <Component />
    </Suspense>
  );
}
