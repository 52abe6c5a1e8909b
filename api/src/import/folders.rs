//! Legacy `folders` rows: a `FolderImported` each. A folder on a cycle of parents is refused
//! (with every folder of the cycle), and so is one whose parent is another user's; one whose
//! parent is missing or refused goes to the top of its owner's tree, and the report says so.
use std::collections::{HashMap, HashSet};

use joan_domain::folder::{Color, FolderEvent, FolderName, Icon, Position};
use joan_domain::text::Description;
use joan_domain::{FolderId, UserId};
use uuid::Uuid;

use super::ImportError;
use super::append::{Batcher, Stamp};
use super::known::Known;
use super::report::{BadRow, TableReport};
use super::rules;
use super::source::Record;

/// A checked folder, its parent not yet.
struct Checked {
    id: Uuid,
    owner: UserId,
    parent: Option<Uuid>,
    event: FolderEvent,
}

fn check(record: &Record, known: &Known) -> Result<Checked, String> {
    let id = record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let text = |column: &str| record.text(column);
    let name = FolderName::parse(record.required("name")?).map_err(|e| format!("name: {e}"))?;
    let description = text("description")?
        .map(|d| Description::parse(d).map_err(|e| format!("description: {e}")))
        .transpose()?;
    let color = text("color")?
        .map(|c| Color::parse(c).map_err(|e| format!("color: {e}")))
        .transpose()?;
    let icon = text("icon")?
        .map(|i| Icon::parse(i).map_err(|e| format!("icon: {e}")))
        .transpose()?;
    let position = Position::parse(record.integer("position")?.unwrap_or(0)).map_err(|e| format!("position: {e}"))?;
    let created_at = record.timestamp("created_at")?;
    Ok(Checked {
        id,
        owner,
        parent: record.uuid_opt("parent_id")?,
        event: FolderEvent::FolderImported {
            folder_id: FolderId::from(id),
            user_id: owner,
            parent_id: None,
            name: name.into(),
            description: description.map(String::from),
            color: color.map(String::from),
            icon: icon.map(String::from),
            position: position.into(),
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
    })
}

/// The folders on a cycle of parents (each parent of the same owner, as Joan's trees are).
fn on_cycles(folders: &HashMap<Uuid, Checked>) -> HashSet<Uuid> {
    let mut cyclic = HashSet::new();
    for start in folders.keys() {
        let mut path = vec![*start];
        let mut at = *start;
        while let Some(parent) = folders.get(&at).and_then(|f| f.parent) {
            if let Some(i) = path.iter().position(|p| *p == parent) {
                cyclic.extend(path[i..].iter().copied());
                break;
            }
            if !folders.contains_key(&parent) {
                break;
            }
            path.push(parent);
            at = parent;
        }
    }
    cyclic
}

/// The folders whose parent is another user's (in this run or in Joan).
fn under_strangers(folders: &HashMap<Uuid, Checked>, known: &Known) -> HashSet<Uuid> {
    folders
        .values()
        .filter(|f| {
            let Some(parent) = f.parent else { return false };
            let parent_owner = match folders.get(&parent) {
                Some(p) => Some(p.owner.to_string()),
                None => known.owner_of("folders", &parent.to_string()).map(String::from),
            };
            parent_owner.is_some_and(|o| o != f.owner.to_string())
        })
        .map(|f| f.id)
        .collect()
}

/// Checks every folder, adds the importable ones to `batches` and to `known` (as `folders`).
pub fn plan(
    records: &[Record],
    known: &mut Known,
    stamp: &Stamp,
    report: &mut TableReport,
    batches: &mut Batcher,
) -> Result<(), ImportError> {
    let mut folders = HashMap::new();
    for record in records {
        match check(record, known) {
            Ok(c) if folders.contains_key(&c.id) => report.refuse(c.id.to_string(), "the id is used twice"),
            Ok(c) => {
                folders.insert(c.id, c);
            }
            Err(reason) => report.refuse(record.id(), reason),
        }
    }
    let cyclic = on_cycles(&folders);
    let strangers = under_strangers(&folders, known);
    let mut ids: Vec<Uuid> = folders.keys().copied().collect();
    ids.sort();
    for id in &ids {
        if cyclic.contains(id) {
            report.refuse(id.to_string(), "its parents form a cycle");
        } else if strangers.contains(id) {
            report.refuse(id.to_string(), "its parent is another user's folder");
        }
    }
    let refused = |id: &Uuid| cyclic.contains(id) || strangers.contains(id);
    for id in ids.iter().filter(|id| !refused(id)) {
        let Some(folder) = folders.remove(id) else { continue };
        let key = id.to_string();
        let owner = folder.owner.to_string();
        known.add("folders", key.clone(), owner.clone());
        if known.exists("folder", &key) {
            report.already += 1;
            continue;
        }
        let parent = match folder.parent {
            Some(p) if !refused(&p) && (folders.contains_key(&p) || known.has("folders", &p.to_string())) => Some(p),
            Some(p) => {
                report.dropped_references.push(BadRow {
                    table: "folders",
                    id: key.clone(),
                    reason: format!("parent_id {p} names no importable folder; imported at the top"),
                });
                None
            }
            None => None,
        };
        let mut event = folder.event;
        if let FolderEvent::FolderImported { parent_id, .. } = &mut event {
            *parent_id = parent.map(FolderId::from);
        }
        let created_at = match &event {
            FolderEvent::FolderImported { created_at, .. } => *created_at,
            _ => continue,
        };
        batches.push(stamp.stream("folder", &key, &owner, &[(event, created_at)])?, 1);
        report.imported += 1;
    }
    Ok(())
}
