import type { Schemas } from '../api/client';
import { refreshSession } from '../api/authFetch';
import { API_BASE } from '../api/config';
import { ApiError, type Problem } from '../api/problem';
import { getSession } from '../api/session';

export type Attachment = Schemas['AttachmentRow'];

/** Uploads one file for an entity with progress (fetch reports none for uploads, XHR does);
 * a refused upload (413 too large, 422…) rejects with the server's problem. */
export async function upload(
  file: File,
  entity: { type: 'task' | 'note' | 'project' | 'goal'; id: string },
  onProgress: (fraction: number) => void,
): Promise<Attachment> {
  const send = (token: string | undefined) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${API_BASE}/attachments/upload`);
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = { detail: xhr.statusText };
        }
        resolve({ status: xhr.status, body });
      };
      xhr.onerror = () => reject(new Error('The upload failed: the connection broke.'));
      const form = new FormData();
      form.append('entity_type', entity.type);
      form.append('entity_id', entity.id);
      form.append('file', file);
      xhr.send(form);
    });
  let result = await send(getSession()?.accessToken);
  if (result.status === 401 && (await refreshSession())) result = await send(getSession()?.accessToken);
  if (result.status >= 400) throw new ApiError(result.status, result.body as Problem);
  onProgress(1);
  return result.body as Attachment;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
