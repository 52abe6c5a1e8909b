/** An `application/problem+json` answer, as an error the screens can show. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field?: string; message?: string; code?: string }[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
  /** A field's own message, when the server named the field. */
  fieldError(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field)?.message;
  }
}

/** `detail`, followed by each field's own message when the server named fields. */
function describe(status: number, problem: Problem): string {
  const base = problem.detail || problem.title || `Request failed (${status})`;
  const fields = (problem.errors ?? []).filter((e) => e.message).map((e) => (e.field ? `${e.field}: ${e.message}` : e.message));
  return fields.length ? `${base}: ${fields.join('; ')}` : base;
}

/** The message to show a person for any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** openapi-fetch's `{data, error, response}` to the data, or an `ApiError`. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const problem = (result.error ?? {}) as Problem;
    throw new ApiError(result.response.status, typeof problem === 'object' ? problem : { detail: String(problem) });
  }
  return result.data as T;
}
