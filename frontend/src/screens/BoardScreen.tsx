import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCorners,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useState } from 'react';
import { messageOf } from '../api/problem';
import { Empty } from '../components/States';
import { toast } from '../components/Toast';
import { useBoard, useBoards, useCreateBoard, useMoveCard, type Board, type BoardCard, type Column } from '../lib/board';
import { cardsIn } from '../lib/kanban';
import { PRIORITIES, priorityClass, useTasks } from '../lib/tasks';
import { EntityPane } from '../components/EntityPane';
import { QueryView } from '../components/QueryView';
import { boardPane } from '../lib/entityPanes';

const TRAY = 'tray';

export default function BoardScreen() {
  const boards = useBoards();
  const [chosen, setChosen] = useState<string | null>(null);
  const create = useCreateBoard();
  const list = boards.data ?? [];
  const id = chosen ?? list[0]?.id;
  const [details, setDetails] = useState(false);
  return (
    <>
      <section className="content" aria-labelledby="board-title" style={{ maxWidth: 'none' }}>
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h1 id="board-title">Board</h1>
          {id && (
            <button type="button" onClick={() => setDetails(true)}>
              About this board
            </button>
          )}
          {list.length > 1 && (
            <label className="field">
              <span>Board</span>
              <select value={id} onChange={(e) => setChosen(e.target.value)}>
                {list.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        <QueryView query={boards} loading="Loading boards">
          {() =>
            id ? (
              <BoardView id={id} />
            ) : (
              <div className="stack">
                <Empty>No board yet. Create one with To do, In progress and Done columns.</Empty>
                <button
                  className="primary"
                  type="button"
                  disabled={create.isPending}
                  onClick={() => create.mutate('My board', { onError: (e) => toast({ text: messageOf(e), error: true }) })}
                >
                  Create a board
                </button>
              </div>
            )
          }
        </QueryView>
      </section>
      {details && id && <EntityPane spec={boardPane} id={id} onClose={() => setDetails(false)} />}
    </>
  );
}

function BoardView({ id }: { id: string }) {
  return (
    <QueryView query={useBoard(id)} loading="Loading the board">
      {(board) => <Columns board={board} />}
    </QueryView>
  );
}

function Columns({ board }: { board: Board }) {
  const columns = (board.columns ?? []) as unknown as Column[];
  const cards = board.cards ?? [];
  const open = useTasks({ status: 'pending' });
  const onBoard = new Set(cards.map((c) => c.task_id));
  const tray: BoardCard[] = (open.data?.items ?? [])
    .filter((t) => !onBoard.has(t.id))
    .map((t, i) => ({ task_id: t.id, column_id: TRAY, position: i, title: t.title, status: t.status, priority: t.priority }));
  const move = useMoveCard(board, (message) => toast({ text: message, error: true }));
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over) return;
    const taskId = String(active.id);
    const overId = String(over.id);
    const columnId = overId.startsWith('column:') ? overId.slice(7) : cards.find((c) => c.task_id === overId)?.column_id;
    if (!columnId || columnId === TRAY) return;
    const target = cardsIn(cards, columnId);
    const index = overId.startsWith('column:') ? target.length : Math.max(0, target.findIndex((c) => c.task_id === overId));
    const current = cards.find((c) => c.task_id === taskId);
    if (current && current.column_id === columnId && current.position === index) return;
    move.mutate({ taskId, columnId, index, card: tray.find((c) => c.task_id === taskId) });
  };

  return (
    <DndContext sensors={sensors} collisionDetection={closestCorners} onDragEnd={onDragEnd}>
      <div className="board">
        {columns.map((column) => (
          <Column key={column.id} id={column.id} name={column.name} cards={cardsIn(cards, column.id)} />
        ))}
        <Column id={TRAY} name="Not on the board" cards={tray} muted />
      </div>
      <p className="muted">Drag a card, or focus it and press Space, the arrow keys, then Space again.</p>
    </DndContext>
  );
}

function Column({ id, name, cards, muted }: { id: string; name: string; cards: BoardCard[]; muted?: boolean }) {
  const { setNodeRef, isOver } = useDroppable({ id: `column:${id}` });
  return (
    <section
      ref={setNodeRef}
      className="column"
      aria-label={name}
      data-column={id}
      style={{ outline: isOver ? '2px dashed var(--accent)' : undefined, opacity: muted ? 0.85 : 1 }}
    >
      <h2>
        {name} <span className="muted">{cards.length}</span>
      </h2>
      <SortableContext id={id} items={cards.map((c) => c.task_id)} strategy={verticalListSortingStrategy}>
        {cards.map((card) => (
          <CardItem key={card.task_id} card={card} />
        ))}
      </SortableContext>
      {cards.length === 0 && <p className="muted" style={{ fontSize: '0.85rem' }}>Drop a card here.</p>}
    </section>
  );
}

function CardItem({ card }: { card: BoardCard }) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: card.task_id });
  return (
    <div
      ref={setNodeRef}
      className="kcard"
      data-card={card.task_id}
      style={{ transform: CSS.Transform.toString(transform), transition, opacity: isDragging ? 0.5 : 1 }}
      {...attributes}
      {...listeners}
      aria-roledescription="card"
    >
      <div>{card.title}</div>
      {!!card.priority && (
        <span className={`marker ${priorityClass(card.priority)}`}>{PRIORITIES[card.priority] ?? card.priority}</span>
      )}
    </div>
  );
}
