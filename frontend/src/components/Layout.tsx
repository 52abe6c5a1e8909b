import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { logout } from '../api/auth';
import { createLiveInvalidator } from '../live/invalidate';
import { followChanges } from '../live/stream';
import { useShortcut } from '../lib/shortcuts';
import { useTheme } from '../lib/theme';
import { preloadScreen } from '../routes';
import { QuickCapture } from './QuickCapture';
import { ShortcutHelp } from './ShortcutHelp';
import { ToastHost } from './Toast';

export const SECTIONS: { to: string; label: string }[] = [
  { to: '/', label: 'Today' },
  { to: '/tasks', label: 'Tasks' },
  { to: '/board', label: 'Board' },
  { to: '/goals', label: 'Goals' },
  { to: '/notes', label: 'Notes' },
  { to: '/projects', label: 'Projects' },
  { to: '/clients', label: 'Clients' },
  { to: '/focus', label: 'Focus' },
  { to: '/schedule', label: 'Schedule' },
  { to: '/activities', label: 'Activities' },
  { to: '/ceremonies', label: 'Ceremonies' },
  { to: '/insights', label: 'Insights' },
  { to: '/timeline', label: 'Timeline' },
  { to: '/settings', label: 'Settings' },
];

export function Layout() {
  const [capturing, setCapturing] = useState(false);
  const [helping, setHelping] = useState(false);
  const [live, setLive] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  useTheme();

  useEffect(() => {
    const live = createLiveInvalidator(queryClient);
    const unfollow = followChanges(live.onChange, setLive);
    return () => {
      unfollow();
      live.stop();
    };
  }, [queryClient]);

  useShortcut(['c', 'q'], () => setCapturing(true));
  useShortcut(['?'], () => setHelping(true));
  useShortcut(['/'], () => navigate('/tasks?focus=search'));

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">Joan</div>
        {SECTIONS.map((s) => {
          // The screen's chunk starts loading as the pointer or the focus reaches its link.
          const ahead = () => void preloadScreen(s.to).catch(() => undefined);
          return (
            <NavLink key={s.to} to={s.to} end={s.to === '/'} onMouseEnter={ahead} onFocus={ahead}>
              {s.label}
            </NavLink>
          );
        })}
        <div className="spacer" />
        <p className="muted" style={{ fontSize: '0.8rem', padding: '0 10px' }} aria-live="polite">
          {live ? '● Live' : '○ Offline'}
        </p>
        <button type="button" className="link" onClick={() => setCapturing(true)}>
          New task <kbd>c</kbd>
        </button>
        <button type="button" className="link" onClick={() => setHelping(true)}>
          Shortcuts <kbd>?</kbd>
        </button>
        <button type="button" className="link" onClick={() => void logout()}>
          Sign out
        </button>
      </nav>
      <div className="main">
        <Outlet />
      </div>
      {capturing && <QuickCapture onClose={() => setCapturing(false)} />}
      {helping && <ShortcutHelp onClose={() => setHelping(false)} />}
      <ToastHost />
    </div>
  );
}
