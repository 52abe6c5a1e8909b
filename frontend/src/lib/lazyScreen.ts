import type { QueryClient } from '@tanstack/react-query';
import { createElement, lazy, type ComponentType } from 'react';

/** Asks for the data a screen shows first, given the address it opens at. */
export type Prefetch = (client: QueryClient, url: URL) => void;

/** A screen loaded on demand that can also be loaded ahead (`preload`). Once its chunk is in,
 * it renders at once; before that, through `React.lazy` (so a Suspense fallback shows). React
 * keeps a fallback it has shown for at least 300 ms, so loading the first screen's chunk before
 * the first render saves that much of the time to the first page (docs/benchmarks.md). */
export function lazyScreen(load: () => Promise<{ default: ComponentType }>, prefetch?: Prefetch) {
  let loaded: ComponentType | undefined;
  let pending: Promise<void> | undefined;
  const preload = (): Promise<void> =>
    (pending ??= load().then(
      (m) => {
        loaded = m.default;
      },
      (e: unknown) => {
        pending = undefined; // a later visit tries again
        throw e;
      },
    ));
  const Deferred = lazy(async () => {
    await preload();
    return { default: loaded! };
  });
  const Screen = () => createElement(loaded ?? Deferred);
  return Object.assign(Screen, { preload, prefetch });
}

export type LazyScreen = ReturnType<typeof lazyScreen>;
