import createClient from 'openapi-fetch';
import { authFetch } from './authFetch';
import { API_ORIGIN } from './config';
import type { paths, components } from './schema';

/** The typed API client: every path and body checked against `joan openapi`. */
export const api = createClient<paths>({ baseUrl: API_ORIGIN, fetch: authFetch });

export type Schemas = components['schemas'];
