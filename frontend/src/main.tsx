import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getSession } from './api/session';
import { App, queryClient } from './App';
import { openScreen } from './routes';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
// The opened screen's chunk first (and its data meanwhile, when signed in), so it renders
// without a Suspense fallback (lib/lazyScreen.ts).
const url = new URL(window.location.href);
void (getSession() ? openScreen(url, queryClient) : Promise.resolve())
  .catch(() => undefined)
  .finally(() =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
