import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { authFetch } from '../api/authFetch';
import { API_BASE } from '../api/config';
import { messageOf, unwrap } from '../api/problem';
import { attachmentPane } from '../lib/entityPanes';
import { formatBytes, upload, type Attachment } from '../lib/upload';
import { EntityPane, PaneRow } from './EntityPane';
import { Alert } from './States';
import { QueryList } from './QueryView';

/** An entity's files: upload with progress, download, and the server's message on refusal; a
 * file's name opens its own pane (its name edited, its history) under the list. */
export function Attachments({ type, id }: { type: 'task' | 'note' | 'project' | 'goal'; id: string }) {
  const client = useQueryClient();
  const key = ['attachments', type, id];
  const list = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET('/api/v1/attachments', { params: { query: { entity_type: type, entity_id: id } } })),
  });
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const onFile = async (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      await upload(file, { type, id }, setProgress);
      void client.invalidateQueries({ queryKey: key });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="stack">
      <label className="field">
        <span>Attach a file</span>
        <input type="file" onChange={onFile} disabled={progress !== null} />
      </label>
      {progress !== null && <progress max={1} value={progress} aria-label="Upload progress" />}
      <Alert message={error} />
      <QueryList query={list} label="Attachments" loading="Loading files" empty="No files attached.">
        {(a) => (
          <PaneRow key={a.id} id={a.id} open={open} onOpen={setOpen} name={a.filename}>
            <span className="muted">{formatBytes(a.size)}</span>
            <button type="button" aria-label={`Download ${a.filename}`} onClick={() => void download(a).catch((err) => setError(messageOf(err)))}>
              Download
            </button>
          </PaneRow>
        )}
      </QueryList>
      {open && <EntityPane spec={attachmentPane} id={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

/** The content needs the bearer token, so it is fetched and handed over as a blob. */
async function download(a: Attachment) {
  const res = await authFetch(`${API_BASE}/attachments/${a.id}/content`);
  if (!res.ok) throw new Error(`Download failed (${res.status}).`);
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = a.filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
