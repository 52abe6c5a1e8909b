import { describe, expect, it } from 'vitest';
import { folderTree, type Folder } from './notes';

const f = (id: string, parent: string | null, position: number, name = id): Folder =>
  ({ id, parent_id: parent, position, name, user_id: 'u', version: 1, created_at: '', updated_at: '' }) as Folder;

describe('folderTree', () => {
  it('nests folders under their parents, ordered by position then name', () => {
    const tree = folderTree([f('b', null, 1), f('a', null, 0), f('a2', 'a', 0, 'zeta'), f('a1', 'a', 0, 'alpha'), f('orphan', 'gone', 5)]);
    expect(tree.map((n) => n.id)).toEqual(['a', 'b', 'orphan']);
    expect(tree[0]!.children.map((n) => n.name)).toEqual(['alpha', 'zeta']);
  });
});
