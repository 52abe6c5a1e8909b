import { useEffect, useState } from 'react';
import { messageOf } from '../api/problem';
import { Empty, ErrorState, Loading } from '../components/States';
import { folderTree, useFolders, useNote, useNoteActions, useNotes, type FolderNode, type Note } from '../lib/notes';

/** Notes in a folders tree; a note opens beside the list with a markdown editor and the
 * server's sanitised rendering as its preview. */
export default function NotesScreen() {
  const [folder, setFolder] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const folders = useFolders();
  const notes = useNotes(folder, q);
  const { createNote, createFolder } = useNoteActions();
  const [title, setTitle] = useState('');
  const [folderName, setFolderName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const onError = (e: unknown) => setError(messageOf(e));

  return (
    <>
      <section className="content stack" aria-labelledby="notes-title">
        <h1 id="notes-title">Notes</h1>
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <nav aria-label="Folders" style={{ minWidth: 180 }}>
            {folders.isPending ? (
              <Loading what="Loading folders" />
            ) : folders.isError ? (
              <ErrorState error={folders.error} />
            ) : (
              <ul className="timeline">
                <li>
                  <button type="button" className="link" aria-current={folder === null ? 'true' : undefined} onClick={() => setFolder(null)}>
                    All notes
                  </button>
                </li>
                <FolderList nodes={folderTree(folders.data)} current={folder} onPick={setFolder} />
              </ul>
            )}
            <form
              className="row"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                if (!folderName.trim()) return setError('A folder needs a name.');
                createFolder.mutate({ name: folderName.trim(), parent_id: folder }, { onSuccess: () => setFolderName(''), onError });
              }}
            >
              <label className="sr-only" htmlFor="new-folder">
                New folder
              </label>
              <input id="new-folder" placeholder="New folder here" value={folderName} onChange={(e) => setFolderName(e.target.value)} style={{ width: 150 }} />
              <button type="submit">Add</button>
            </form>
          </nav>
          <div className="stack" style={{ flex: 1, minWidth: 240 }}>
            <form
              className="row"
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                setError(null);
                if (!title.trim()) return setError('A note needs a title.');
                createNote.mutate(
                  { title: title.trim(), content: '', folder_id: folder },
                  { onSuccess: (n) => (setTitle(''), setOpen(n.id)), onError },
                );
              }}
            >
              <label className="sr-only" htmlFor="new-note">
                New note
              </label>
              <input id="new-note" style={{ flex: 1 }} placeholder="New note title" value={title} onChange={(e) => setTitle(e.target.value)} />
              <button className="primary" type="submit">
                Add
              </button>
            </form>
            <label className="field">
              <span>Search notes</span>
              <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
            </label>
            {error && (
              <p role="alert" className="error">
                {error}
              </p>
            )}
            {notes.isPending ? (
              <Loading what="Loading notes" />
            ) : notes.isError ? (
              <ErrorState error={notes.error} retry={() => void notes.refetch()} />
            ) : notes.data.length === 0 ? (
              <Empty>No notes here. Title one above.</Empty>
            ) : (
              <ul className="list" aria-label="Notes">
                {notes.data.map((n) => (
                  <li key={n.id} className={open === n.id ? 'selected' : ''}>
                    <button type="button" className="title" onClick={() => setOpen(n.id)}>
                      {n.title}
                    </button>
                    {n.is_pinned && <span className="marker">pinned</span>}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </section>
      {open && <NotePane id={open} onClose={() => setOpen(null)} />}
    </>
  );
}

function FolderList({ nodes, current, onPick }: { nodes: FolderNode[]; current: string | null; onPick: (id: string) => void }) {
  return (
    <>
      {nodes.map((n) => (
        <li key={n.id}>
          <button type="button" className="link" aria-current={current === n.id ? 'true' : undefined} onClick={() => onPick(n.id)}>
            {n.name}
          </button>
          {n.children.length > 0 && (
            <ul className="timeline">
              <FolderList nodes={n.children} current={current} onPick={onPick} />
            </ul>
          )}
        </li>
      ))}
    </>
  );
}

function NotePane({ id, onClose }: { id: string; onClose: () => void }) {
  const note = useNote(id);
  return (
    <aside className="pane" aria-label="Note">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 style={{ margin: 0 }}>Note</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {note.isPending ? <Loading /> : note.isError ? <ErrorState error={note.error} /> : <NoteEditor key={note.data.id} note={note.data} />}
    </aside>
  );
}

function NoteEditor({ note }: { note: Note }) {
  const { saveNote } = useNoteActions();
  const [tab, setTab] = useState<'edit' | 'preview'>(note.content ? 'preview' : 'edit');
  const [title, setTitle] = useState(note.title);
  const [content, setContent] = useState(note.content);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setError(null), [tab]);
  const dirty = title !== note.title || content !== note.content;
  return (
    <div className="stack">
      <div className="tabs" role="tablist">
        <button role="tab" type="button" aria-selected={tab === 'edit'} onClick={() => setTab('edit')}>
          Edit
        </button>
        <button role="tab" type="button" aria-selected={tab === 'preview'} onClick={() => setTab('preview')}>
          Preview
        </button>
      </div>
      {tab === 'edit' ? (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!title.trim()) return setError('A note needs a title.');
            saveNote.mutate({ id: note.id, body: { title: title.trim(), content } }, { onSuccess: () => setTab('preview'), onError: (err) => setError(messageOf(err)) });
          }}
        >
          <label className="field">
            <span>Title</span>
            <input value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label className="field">
            <span>Markdown</span>
            <textarea rows={14} value={content} onChange={(e) => setContent(e.target.value)} />
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button className="primary" type="submit" disabled={!dirty || saveNote.isPending}>
            Save
          </button>
        </form>
      ) : (
        <>
          <h3 style={{ margin: 0 }}>{note.title}</h3>
          {note.content_html ? (
            // Rendered and sanitised by the server.
            <div className="note-html" dangerouslySetInnerHTML={{ __html: note.content_html }} />
          ) : (
            <p className="muted">Empty. Open Edit to write in markdown.</p>
          )}
        </>
      )}
    </div>
  );
}
