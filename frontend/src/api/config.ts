/** Where the API lives: the page's own origin by default (served by `joan serve`); a static
 * deployment sets `VITE_API_URL` at build time (e.g. `https://joan.example.com`). */
export const API_ORIGIN: string = (import.meta.env.VITE_API_URL || globalThis.location?.origin || '').replace(/\/$/, '');
export const API_BASE = `${API_ORIGIN}/api/v1`;
