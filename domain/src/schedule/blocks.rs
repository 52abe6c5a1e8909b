//! A day's blocks: time ranges within the day, each starting before it ends, none overlapping
//! another. A list of them is valid once built ([`Blocks::new`]); its errors name the blocks
//! by index (`blocks[2]`), so a client knows which ones clash.
use serde::{Deserialize, Serialize};

use crate::ids::TaskId;
use crate::text::{ValueError, short_text};
use crate::values::ClockTime;

/// One block of a day: from `start` to `end`, a title, a kind, and the task it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub start: ClockTime,
    pub end: ClockTime,
    pub title: String,
    pub kind: String,
    pub task_id: Option<TaskId>,
}

impl Block {
    pub const MAX_TITLE_CHARS: usize = 200;
    pub const MAX_KIND_CHARS: usize = 50;
    /// The kind of a block sent without one.
    pub const DEFAULT_KIND: &'static str = "other";

    /// A title: 1 to 200 characters after trimming.
    pub fn title(raw: &str) -> Result<String, ValueError> {
        short_text(raw, Self::MAX_TITLE_CHARS)
    }

    /// A kind (`focus`, `meeting`, `break`...): 1 to 50 characters after trimming.
    pub fn kind(raw: &str) -> Result<String, ValueError> {
        short_text(raw, Self::MAX_KIND_CHARS)
    }
}

/// A partial change of one block: `None` leaves a field alone; `Some(None)` clears the task.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlockChanges {
    pub start: Option<ClockTime>,
    pub end: Option<ClockTime>,
    pub title: Option<String>,
    pub kind: Option<String>,
    pub task_id: Option<Option<TaskId>>,
}

/// A rule a list of blocks breaks, and the field it concerns (`blocks[2].end`, `blocks[3]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockProblem {
    pub field: String,
    pub message: String,
}

/// Every rule a list of blocks breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the blocks are invalid: {}", .0.iter().map(|p| format!("{} {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
pub struct BlocksError(pub Vec<BlockProblem>);

/// Up to [`Blocks::MAX`] blocks, in the order given, none overlapping another.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Blocks(Vec<Block>);

impl Blocks {
    /// A block per quarter hour at most.
    pub const MAX: usize = 96;

    pub fn new(blocks: Vec<Block>) -> Result<Self, BlocksError> {
        let mut problems = Vec::new();
        let mut problem = |field: String, message: String| problems.push(BlockProblem { field, message });
        if blocks.len() > Self::MAX {
            problem("blocks".into(), ValueError::TooMany(Self::MAX).to_string());
        }
        for (i, block) in blocks.iter().enumerate() {
            if block.start >= block.end {
                problem(
                    format!("blocks[{i}].end"),
                    format!("must be after its start ({})", block.start),
                );
            }
        }
        let mut order: Vec<usize> = (0..blocks.len())
            .filter(|i| blocks[*i].start < blocks[*i].end)
            .collect();
        order.sort_by_key(|i| (blocks[*i].start, *i));
        // Sorted by start, a block clashes with every later one that starts before it ends.
        for (n, &i) in order.iter().enumerate() {
            for &j in &order[n + 1..] {
                if blocks[j].start >= blocks[i].end {
                    break;
                }
                let (a, b) = (i.min(j), i.max(j));
                let span = |k: usize| format!("{}-{}", blocks[k].start, blocks[k].end);
                problem(format!("blocks[{a}]"), format!("overlaps blocks[{b}] ({})", span(b)));
                problem(format!("blocks[{b}]"), format!("overlaps blocks[{a}] ({})", span(a)));
            }
        }
        if problems.is_empty() {
            Ok(Self(blocks))
        } else {
            Err(BlocksError(problems))
        }
    }

    /// Blocks as an event recorded them: checked when they were decided.
    pub(crate) fn recorded(blocks: Vec<Block>) -> Self {
        Self(blocks)
    }

    pub fn as_slice(&self) -> &[Block] {
        &self.0
    }

    /// The blocks with the one at `index` changed, if it exists (`None`), checked again.
    pub fn changed(&self, index: usize, changes: BlockChanges) -> Option<Result<Self, BlocksError>> {
        let mut blocks = self.0.clone();
        let block = blocks.get_mut(index)?;
        let BlockChanges {
            start,
            end,
            title,
            kind,
            task_id,
        } = changes;
        block.start = start.unwrap_or(block.start);
        block.end = end.unwrap_or(block.end);
        block.title = title.unwrap_or_else(|| block.title.clone());
        block.kind = kind.unwrap_or_else(|| block.kind.clone());
        block.task_id = task_id.unwrap_or(block.task_id);
        Some(Self::new(blocks))
    }
}

impl From<Blocks> for Vec<Block> {
    fn from(b: Blocks) -> Vec<Block> {
        b.0
    }
}
