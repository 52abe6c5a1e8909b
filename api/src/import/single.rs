//! The tables whose rows each become one import event in a stream of their own (notes,
//! goals, clients...): checked, then written unless the stream is in Joan already.
use std::collections::HashSet;

use cqrs_es::DomainEvent;
use joan_domain::{Timestamp, UserId};
use serde::Serialize;
use uuid::Uuid;

use super::ImportError;
use super::append::{Batcher, Stamp};
use super::known::Known;
use super::report::{BadRow, TableReport};
use super::source::Record;

/// A row that passed its table's checks.
pub struct Checked<E> {
    pub id: Uuid,
    pub owner: UserId,
    /// When the row was made: the event's recorded time.
    pub created_at: Timestamp,
    pub event: E,
    /// References the row named that are not in Joan, dropped.
    pub dropped: Vec<BadRow>,
}

/// One legacy table and the stream its rows become.
pub struct Table {
    pub name: &'static str,
    pub aggregate_type: &'static str,
    /// Why a second row for the same stream is refused.
    pub twice: &'static str,
}

/// The reason of a second row with the same id.
pub const ID_TWICE: &str = "the id is used twice";

/// Checks each of `records`, writes the good ones not in Joan yet to `batches`, and records
/// them (and those already in) in `known` under the table's name.
pub fn plan<E: DomainEvent + Serialize>(
    table: &Table,
    records: &[Record],
    known: &mut Known,
    stamp: &Stamp,
    report: &mut TableReport,
    batches: &mut Batcher,
    check: impl Fn(&Record, &Known) -> Result<Checked<E>, String>,
) -> Result<(), ImportError> {
    let mut seen = HashSet::new();
    for record in records {
        let row = match check(record, known) {
            Ok(row) => row,
            Err(reason) => {
                report.refuse(record.id(), reason);
                continue;
            }
        };
        let (id, owner) = (row.id.to_string(), row.owner.to_string());
        if !seen.insert(row.id) {
            report.refuse(record.id(), table.twice);
            continue;
        }
        if known.exists(table.aggregate_type, &id) {
            report.already += 1;
            known.add(table.name, id, owner);
            continue;
        }
        report.dropped_references.extend(row.dropped);
        batches.push(
            stamp.stream(table.aggregate_type, &id, &owner, &[(row.event, row.created_at)])?,
            1,
        );
        known.add(table.name, id, owner);
        report.imported += 1;
    }
    Ok(())
}
