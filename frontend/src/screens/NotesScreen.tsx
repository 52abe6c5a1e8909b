import { useState } from 'react';
import { messageOf } from '../api/problem';
import { CreateByName } from '../components/CreateByName';
import { EntityHistory, HistoryActivity, useEntityAt } from '../components/EntityHistory';
import { EntityPane } from '../components/EntityPane';
import { Pane } from '../components/Pane';
import { QueryList, QueryView } from '../components/QueryView';
import { Alert } from '../components/States';
import { Tabs } from '../components/Tabs';
import { folderPane } from '../lib/entityPanes';
import { folderTree, noteHistory, useFolders, useNoteActions, useNotes, type FolderNode, type Note } from '../lib/notes';

/** Notes in a folders tree; a note opens beside the list with a markdown editor, the server's
 * sanitised rendering as its preview, its history slider and its activity; the chosen folder's
 * details and history open there too. */
export default function NotesScreen() {
  const [folder, setFolder] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [folderOpen, setFolderOpen] = useState(false);
  const openNote = (id: string) => (setFolderOpen(false), setOpen(id));
  const [q, setQ] = useState('');
  const folders = useFolders();
  const notes = useNotes(folder, q);
  const { createNote, createFolder } = useNoteActions();

  return (
    <>
      <section className="content stack" aria-labelledby="notes-title">
        <h1 id="notes-title">Notes</h1>
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <nav aria-label="Folders" style={{ minWidth: 180 }} className="stack">
            <QueryView query={folders} loading="Loading folders">
              {(list) => (
                <ul className="timeline">
                  <li>
                    <button type="button" className="link" aria-current={folder === null ? 'true' : undefined} onClick={() => setFolder(null)}>
                      All notes
                    </button>
                  </li>
                  <FolderList nodes={folderTree(list)} current={folder} onPick={setFolder} />
                </ul>
              )}
            </QueryView>
            <CreateByName
              compact
              label="New folder"
              placeholder="New folder here"
              required="A folder needs a name."
              onCreate={(name) => createFolder.mutateAsync({ name, parent_id: folder })}
            />
            {folder && (
              <button type="button" onClick={() => (setOpen(null), setFolderOpen(true))}>
                About this folder
              </button>
            )}
          </nav>
          <div className="stack" style={{ flex: 1, minWidth: 240 }}>
            <CreateByName
              label="New note"
              placeholder="New note title"
              required="A note needs a title."
              onCreate={async (title) => openNote((await createNote.mutateAsync({ title, content: '', folder_id: folder })).id)}
            />
            <label className="field">
              <span>Search notes</span>
              <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
            </label>
            <QueryList query={notes} label="Notes" loading="Loading notes" empty={q ? 'No note matches.' : 'No notes here. Title one above.'}>
              {(n) => (
                <li key={n.id} className={open === n.id ? 'selected' : ''}>
                  <button type="button" className="title" onClick={() => openNote(n.id)}>
                    {n.title}
                  </button>
                  {n.is_pinned && <span className="marker">pinned</span>}
                </li>
              )}
            </QueryList>
          </div>
        </div>
      </section>
      {open && <NotePane key={open} id={open} onClose={() => setOpen(null)} />}
      {folderOpen && folder && <EntityPane spec={folderPane} id={folder} onClose={() => setFolderOpen(false)} />}
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

type NoteTab = 'preview' | 'edit' | 'activity';
const NOTE_TABS: [NoteTab, string][] = [
  ['preview', 'Preview'],
  ['edit', 'Edit'],
  ['activity', 'Activity'],
];

function NotePane({ id, onClose }: { id: string; onClose: () => void }) {
  const note = useEntityAt(noteHistory, id);
  const [tab, setTab] = useState<NoteTab | null>(null);
  return (
    <Pane label="Note" onClose={onClose}>
      <QueryView query={note}>
        {(current) => {
          // A new, empty note opens in the editor; one with text in its preview.
          const shown = tab ?? (current.content ? 'preview' : 'edit');
          return (
            <>
              <Tabs label="Note" tabs={NOTE_TABS} value={shown} onChange={setTab} />
              {shown === 'edit' ? (
                <NoteForm note={current} onSaved={() => setTab('preview')} />
              ) : shown === 'preview' ? (
                <EntityHistory source={noteHistory} id={id}>
                  {(n) => <NotePreview note={n} />}
                </EntityHistory>
              ) : (
                <HistoryActivity source={noteHistory} id={id} />
              )}
            </>
          );
        }}
      </QueryView>
    </Pane>
  );
}

function NotePreview({ note }: { note: Note }) {
  return (
    <div className="stack">
      <h3 style={{ margin: 0 }}>{note.title}</h3>
      {note.content_html ? (
        // Rendered and sanitised by the server.
        <div className="note-html" dangerouslySetInnerHTML={{ __html: note.content_html }} />
      ) : (
        <p className="muted">Empty. Open Edit to write in markdown.</p>
      )}
    </div>
  );
}

function NoteForm({ note, onSaved }: { note: Note; onSaved: () => void }) {
  const { saveNote } = useNoteActions();
  const [title, setTitle] = useState(note.title);
  const [content, setContent] = useState(note.content);
  const [error, setError] = useState<string | null>(null);
  const dirty = title !== note.title || content !== note.content;
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        if (!title.trim()) return setError('A note needs a title.');
        saveNote.mutate({ id: note.id, body: { title: title.trim(), content } }, { onSuccess: onSaved, onError: (err) => setError(messageOf(err)) });
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
      <Alert message={error} />
      <button className="primary" type="submit" disabled={!dirty || saveNote.isPending}>
        Save
      </button>
    </form>
  );
}
